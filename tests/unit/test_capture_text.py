"""The text a capture copies: lines, or one paragraph with no space between CJK characters."""

from __future__ import annotations

from desktop_ocr.services.capture.text import capture_text, join_lines, notice_text


def test_lines_are_kept_one_per_line_without_blank_ones():
    assert capture_text(["  First line ", "", "第二行"], "lines") == "First line\n第二行"


def test_a_paragraph_joins_words_with_spaces_and_cjk_without():
    lines = ["The quick brown", "fox jumps.", "请在三月十四日", "之前付款", "Total 356.20"]
    assert capture_text(lines, "paragraph") == (
        "The quick brown fox jumps. 请在三月十四日之前付款 Total 356.20"
    )


def test_full_width_punctuation_and_kana_join_without_spaces():
    assert join_lines(["订单已发货，", "预计三天内送达。", "ありがとう", "ございます"]) == (
        "订单已发货，预计三天内送达。ありがとうございます"
    )


def test_paragraph_numbers_keep_a_blank_line_between_paragraphs():
    lines = ["Heading", "First para", "goes on", "Second para"]
    assert capture_text(lines, "paragraph", (0, 1, 1, 2)) == (
        "Heading\n\nFirst para goes on\n\nSecond para"
    )


def test_notice_names_the_count_the_time_and_the_first_words():
    text = "Invoice number 20481 is due on 14 March\n请在三月十四日之前付款"
    assert notice_text(text, 2, 181.6) == (
        'Copied 2 lines in 182 ms: "Invoice number 20481 is due on 14 March 请在三月十四日…"'
    )
    assert notice_text("One", 1, 9.0) == 'Copied 1 line in 9 ms: "One"'
