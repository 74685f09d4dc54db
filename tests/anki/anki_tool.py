"""Drives the real Anki library (the `anki` package from PyPI) for tests/anki.rs.

Each command builds a fresh Anki collection in a temporary folder, so runs
never share state:

    anki_tool.py dump FILE...            import each .apkg or .csv/.tsv, print the cards as JSON
    anki_tool.py export-tsv OUT FILE...  import them, then write "Notes in Plain Text" (TSV with
                                         HTML, guid, note type, deck and tags columns) to OUT
    anki_tool.py reviewed OUT            a deck of eight cards answered through Anki's own
                                         scheduler over a week (one suspended, one buried),
                                         exported with scheduling to OUT (.apkg)
    anki_tool.py fsrs OUT                a collection that schedules with FSRS, two cards
                                         answered, exported to OUT (.colpkg)
    anki_tool.py answer-all IN OUT       import IN (.apkg), a month later answer every due
                                         card Good, export with scheduling to OUT (.apkg)
    anki_tool.py packages PREFIX         build a collection with a note of every kind (see
                                         `packages`) and export it as PREFIX.apkg (current
                                         format), PREFIX-legacy.apkg and PREFIX.colpkg

The JSON has Anki's "today" and one object per card (sorted by deck, guid,
ordinal): its fields and rendered question/answer turned from HTML back into
text, tags, deck, note type, and the scheduling columns and revlog rows as
Anki stored them.
"""

import datetime
import html
import json
import os
import re
import sys
import tempfile

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
    NoteIdsLimit,
)

BLOCK_TAG = re.compile(r"(?i)<(?:br|hr|/?div|/?pre|/?p)\b[^>]*>")
ANY_TAG = re.compile(r"<[^>]*>")
STYLE = re.compile(r"(?is)<style>.*?</style>")
TYPE_ANSWER = re.compile(r"\[\[type:[^\]]*\]\]")


def to_text(s):
    """HTML as a person reads it: block tags are line breaks, entities decoded."""
    s = STYLE.sub("", s)
    s = BLOCK_TAG.sub("\n", s)
    s = ANY_TAG.sub("", s)
    return html.unescape(s).strip()


def import_file(col, path):
    if path.endswith(".apkg"):
        options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=path, options=options))
    else:
        metadata = col.get_csv_metadata(path=path, delimiter=None)
        col.import_csv(ImportCsvRequest(path=path, metadata=metadata))


def study_date(col, when):
    """The date of the study day local time `when` falls in, as Anki counts
    days (they start at its rollover hour)."""
    return (when - datetime.timedelta(hours=col.get_config("rollover", 4))).date()


def anki_today(col):
    return study_date(col, datetime.datetime.now())


def dump(col):
    today = anki_today(col)
    cards = []
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        note = card.note()
        notetype = note.note_type()
        names = [f["name"] for f in notetype["flds"]]
        question = TYPE_ANSWER.sub("", card.question())
        answer = card.answer()
        # The reviewer puts the expected answer where {{type:Back}} is.
        answer = TYPE_ANSWER.sub(lambda _: note[names[1]], answer)
        if "<hr id=answer>" in answer:
            answer = answer.split("<hr id=answer>", 1)[1]
        due_date = None
        if card.type != 0 and card.due < 1_000_000_000:
            # A day number (review cards, learning steps of a day or more).
            due_date = (today + datetime.timedelta(days=card.due - col.sched.today)).isoformat()
        elif card.type != 0:
            # A learning step due at a time, in seconds: the day it ends in,
            # the next one when it ends after the rollover.
            due_date = study_date(col, datetime.datetime.fromtimestamp(card.due)).isoformat()
        revlog = [
            {"id": r[0], "ease": r[1], "ivl": r[2], "lastIvl": r[3], "factor": r[4], "time": r[5], "type": r[6]}
            for r in col.db.all(
                "select id, ease, ivl, lastIvl, factor, time, type from revlog where cid = ? order by id",
                card.id,
            )
        ]
        cards.append(
            {
                "deck": col.decks.name(card.did),
                "guid": note.guid,
                "notetype": notetype["name"],
                "ord": card.ord,
                "fields": [to_text(f) for f in note.fields],
                "tags": sorted(note.tags),
                "question": to_text(question),
                "answer": to_text(answer),
                "type": card.type,
                "queue": card.queue,
                "due": card.due,
                "due_date": due_date,
                "ivl": card.ivl,
                "factor": card.factor,
                "reps": card.reps,
                "lapses": card.lapses,
                "revlog": revlog,
            }
        )
    cards.sort(key=lambda c: (c["deck"], c["guid"], c["ord"]))
    return {"today": today.isoformat(), "cards": cards}


def add_note(col, notetype, fields, deck="Default", tags=()):
    note = col.new_note(col.models.by_name(notetype))
    for name, value in fields.items():
        note[name] = value
    note.tags = list(tags)
    col.add_note(note, col.decks.id(deck))
    return note


def vocab_notetype(col):
    """A note type of the learner's own: three fields, a conditional, a filter."""
    mm = col.models
    m = mm.new("Vocab")
    for name in ("Word", "Meaning", "Example"):
        mm.add_field(m, mm.new_field(name))
    t = mm.new_template("Recognise")
    t["qfmt"] = "{{Word}}{{#Example}}<br><i>{{Example}}</i>{{/Example}}{{^Example}} (no example){{/Example}}"
    t["afmt"] = "{{FrontSide}}<hr id=answer>{{text:Meaning}}"
    mm.add_template(m, t)
    mm.add(m)


def packages(col, prefix):
    """Every note kind tests/anki.rs checks, then the three package formats."""
    add_note(col, "Basic", {
        "Front": "What does <code>len</code> call?<pre>print(len(&quot;ab&quot;))</pre>",
        "Back": "<div>__len__ &amp; <b>2</b></div>",
    }, "Py::Sub", ["dunder", "len"])
    add_note(col, "Basic (and reversed card)", {"Front": "dog", "Back": "chien"}, "Lang")
    add_note(col, "Basic (optional reversed card)",
             {"Front": "cat", "Back": "chat", "Add Reverse": "y"}, "Lang")
    add_note(col, "Basic (optional reversed card)", {"Front": "cow", "Back": "vache"}, "Lang")
    add_note(col, "Basic (type in the answer)", {"Front": "2 + 2?", "Back": "4"})
    add_note(col, "Cloze", {
        "Text": "The {{c1::GIL::a lock}} protects {{c2::bytecode}} execution",
        "Back Extra": "see [sound:gil.mp3]",
    }, "Py")
    vocab_notetype(col)
    add_note(col, "Vocab", {"Word": "chat", "Meaning": "<b>cat</b>", "Example": "le chat"}, "Lang")
    add_note(col, "Vocab", {"Word": "chien", "Meaning": "dog"}, "Lang")
    col.media.write_data("gil.mp3", b"ID3 not really audio")
    options = dict(with_scheduling=True, with_deck_configs=False, with_media=True)
    col.export_anki_package(out_path=prefix + ".apkg",
                            options=ExportAnkiPackageOptions(legacy=False, **options), limit=None)
    col.export_anki_package(out_path=prefix + "-legacy.apkg",
                            options=ExportAnkiPackageOptions(legacy=True, **options), limit=None)
    col.export_collection_package(out_path=prefix + ".colpkg", include_media=True, legacy=False)


def answer(col, card, ease):
    card.start_timer()
    col.sched.answerCard(card, ease)


def reviewed(col, out):
    """Eight cards answered with every button, then again a week later."""
    ids = []
    for i in range(8):
        note = add_note(col, "Basic", {"Front": f"q{i}", "Back": f"a{i}"}, "Sched")
        ids.append(note.cards()[0].id)
    # Day 0: first views with each button (Easy, Good, Hard, Again, ...).
    for cid, ease in zip(ids[:6], (4, 3, 2, 1, 4, 3)):
        answer(col, col.get_card(cid), ease)
    # A week later (the collection made a week earlier): the Easy cards are
    # due for review, the learning ones too.
    col.db.execute("update col set crt = crt - 7 * 86400")
    for cid, ease in zip(ids[:6], (3, 1, 3, 4, 4, 2)):
        answer(col, col.get_card(cid), ease)
    col.sched.suspend_cards([ids[6]])
    col.sched.bury_cards([ids[7]])
    col.export_anki_package(
        out_path=out,
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=False, legacy=False
        ),
        limit=None,
    )


def fsrs(col, out):
    col.set_config("fsrs", True)
    for i, ease in enumerate((3, 4)):
        note = add_note(col, "Basic", {"Front": f"f{i}", "Back": f"b{i}"}, "Memory")
        answer(col, note.cards()[0], ease)
    col.export_collection_package(out_path=out, include_media=False, legacy=False)


def answer_all(col, src, out):
    import_file(col, src)
    col.db.execute("update col set crt = crt - 30 * 86400")
    answered = 0
    for deck in col.decks.all_names_and_ids():
        col.decks.select(deck.id)
        while (card := col.sched.getCard()) is not None and answered < 1000:
            answer(col, card, 3)
            answered += 1
    col.export_anki_package(
        out_path=out,
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=False, legacy=False
        ),
        limit=None,
    )
    print(answered)


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        try:
            if argv[0] == "dump":
                for path in argv[1:]:
                    import_file(col, path)
                json.dump(dump(col), sys.stdout, indent=1)
            elif argv[0] == "export-tsv":
                for path in argv[2:]:
                    import_file(col, path)
                col.export_note_csv(
                    out_path=argv[1],
                    limit=NoteIdsLimit(note_ids=col.find_notes("")),
                    with_html=True,
                    with_tags=True,
                    with_deck=True,
                    with_notetype=True,
                    with_guid=True,
                )
            elif argv[0] == "reviewed":
                reviewed(col, argv[1])
            elif argv[0] == "answer-all":
                answer_all(col, argv[1], argv[2])
            elif argv[0] == "fsrs":
                fsrs(col, argv[1])
            elif argv[0] == "packages":
                packages(col, argv[1])
            else:
                sys.exit(f"unknown command {argv[0]!r}")
        finally:
            # Exporting a .colpkg closes the collection itself.
            if col.db is not None:
                col.close()


if __name__ == "__main__":
    main(sys.argv[1:])
