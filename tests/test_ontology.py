from parley.nlp.document import PLOVER_TYPES
from parley.nlp.ontology import cameo_codes, lookup


def test_every_cameo_code_is_there_with_root_goldstein_and_quad():
    codes = cameo_codes()
    # GDELT's 311 codes plus 1213, which ICEWS's table has and GDELT's lacks
    assert len(codes) == 312
    assert {c.root for c in codes.values()} == {f"{r:02d}" for r in range(1, 21)}
    assert codes["190"].goldstein == -10.0
    assert codes["040"].goldstein == 1.0
    assert codes["057"].name == "Sign formal agreement"


def test_quad_class_follows_gdelt():
    expected = {"01": 1, "05": 1, "06": 2, "09": 2, "10": 3, "14": 3, "15": 4, "20": 4}
    for root, quad in expected.items():
        assert lookup(root).quad_class == quad


def test_every_non_statement_code_has_a_plover_type():
    for code in cameo_codes().values():
        if code.root == "01":
            assert code.plover_type is None
        else:
            assert code.plover_type in PLOVER_TYPES, code


def test_plover_mapping_samples():
    assert lookup("036").plover_type == "AGREE"
    assert lookup("044").plover_type == "CONSULT" and lookup("044").plover_mode == "third-party"
    assert lookup("020").plover_type == "REQUEST"  # appeals, added by parley (no 02 rows upstream)
    assert lookup("163").plover_type == "COERCE"  # as CAMEO2PLOVER-2021 maps sanctions
    assert lookup("0874").plover_type == lookup("087").plover_type == "RETREAT"


def test_unknown_subcode_falls_back_to_parent():
    assert lookup("0369").code == "036"
