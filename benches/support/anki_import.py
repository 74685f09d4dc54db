"""Anki's own import, timed by benches/cli.rs as a whole process.

    python anki_import.py FILE

Imports FILE (an .apkg with its scheduling, or a CSV/TSV with the columns
its header names) into a new, empty Anki collection in a temporary folder,
as `tests/anki/anki_tool.py` does, and exits. The folder is removed after.
"""

import os
import sys
import tempfile

from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)


def main(path):
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        if path.endswith(".apkg"):
            options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False)
            col.import_anki_package(ImportAnkiPackageRequest(package_path=path, options=options))
        else:
            metadata = col.get_csv_metadata(path=path, delimiter=None)
            col.import_csv(ImportCsvRequest(path=path, metadata=metadata))
        col.close()


if __name__ == "__main__":
    main(sys.argv[1])
