"""A line's word and character boxes, kept compactly, behave as the tuple they replace."""

from __future__ import annotations

import pickle

from desktop_ocr.engine.results import TextLine, WordBox, WordBoxes


def box(x: float) -> tuple:
    return ((x, 1.5), (x + 10.25, 1.5), (x + 10.25, 20.0), (x, 20.0))


def test_boxes_read_back_equal_and_survive_pickling():
    chars = tuple(WordBox(c, box(12.0 * i)) for i, c in enumerate("Ab中文"))
    words = (WordBox("Ab", box(0.0)), WordBox("中", box(24.0)), WordBox("文", box(36.0)))
    line = TextLine(box(0.0), "Ab中文", 0.9, words=words, chars=chars)
    assert isinstance(line.chars, WordBoxes) and isinstance(line.words, WordBoxes)
    assert line.chars == chars and line.words == words and len(line.chars) == 4
    assert line.chars[2] == WordBox("中", box(24.0))
    assert line.words[1:] == words[1:] and line.chars[-1].text == "文"
    again = pickle.loads(pickle.dumps(line))
    assert again == line and hash(again) == hash(line)
    assert again.to_dict()["chars"][2] == {"text": "中", "box": [[24.0, 1.5], [34.2, 1.5],
                                                                  [34.2, 20.0], [24.0, 20.0]]}
    assert TextLine(box(0.0), "", 0.5).words == () and len(TextLine(box(0.0), "", 0.5).chars) == 0
