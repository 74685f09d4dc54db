"""The benchmark's package as Anki exports a package today, for benches/cli.rs.

    python anki_export.py PACKAGE OUT

Imports PACKAGE (py201's export: the legacy format, collection.anki2
deflated) with its scheduling into a new Anki collection in a temporary
folder and exports it again as Anki's export dialog does by default
("Support older Anki versions" unticked): the current format,
collection.anki21b compressed with zstd, schema 18. This is the format of
the packages learners bring from Anki, so py201 is timed on it too.
"""

import os
import sys
import tempfile

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)


def main(package, out):
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=package, options=options))
        col.export_anki_package(
            out_path=out,
            options=ExportAnkiPackageOptions(
                legacy=False, with_scheduling=True, with_deck_configs=False, with_media=False
            ),
            limit=None,
        )
        col.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
