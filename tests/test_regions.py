"""The finder's location picker: the GB/T 2260 tree built from the notices' regions."""

from types import SimpleNamespace as NS

from sitegen.regions import ancestry, region_tree


def corpus(*regions):
    versions = [NS(region=NS(code=code, name=NS(zh=zh, en=en))) for code, zh, en in regions]
    return NS(notices=[NS(versions=[v]) for v in versions])


def test_ancestry_by_digits():
    assert ancestry("330922") == ["330000", "330900", "330922"]
    assert ancestry("210200") == ["210000", "210200"]
    assert ancestry("220000") == ["220000"]


def test_tree_names_each_level_from_the_notices_names():
    tree = region_tree(corpus(("330922", "浙江省舟山市嵊泗县", "Shengsi County, Zhoushan, Zhejiang Province"),
                              ("330683", "浙江省绍兴市嵊州市", "Shengzhou, Shaoxing, Zhejiang Province"),
                              ("100000", "全国", "Nationwide")))
    assert [(r["code"], r["parent"], r["zh"], r["en"]) for r in tree] == [
        ("330000", None, "浙江省", "Zhejiang Province"),
        ("330600", "330000", "绍兴市", "Shaoxing"),
        ("330683", "330600", "嵊州市", "Shengzhou"),
        ("330900", "330000", "舟山市", "Zhoushan"),
        ("330922", "330900", "嵊泗县", "Shengsi County"),
    ]                                                   # nationwide is no place to pick


def test_a_name_that_does_not_split_keeps_it_whole_and_ancestors_by_code():
    tree = {r["code"]: r for r in region_tree(corpus(("110105", "北京市朝阳区", "Chaoyang District, Beijing")))}
    assert tree["110105"]["zh"] == "北京市朝阳区" and tree["110105"]["parent"] == "110100"
    assert tree["110000"]["zh"] == "110000"
