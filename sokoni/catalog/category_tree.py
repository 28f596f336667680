"""The default category tree, as data: every node has an icon and a name in each shipped language.

`category_tree_install()` (in services) writes it, updating or creating by slug, so it can run
again after this file changes. Icons are symbol ids in sokoni/web/static/web/icons.svg.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

LANGUAGES: Final[tuple[str, ...]] = ("sw", "hi", "zh-hans", "ko", "es", "fr")


@dataclass(frozen=True)
class Node:
    slug: str
    icon: str
    # English first, then the translations in the order of LANGUAGES.
    en: str
    sw: str
    hi: str
    zh: str
    ko: str
    es: str
    fr: str
    children: tuple[Node, ...] = field(default=())

    @property
    def names(self) -> dict[str, str]:
        """Translations keyed by Django language code (English is the model's `name`)."""
        return dict(
            zip(LANGUAGES, (self.sw, self.hi, self.zh, self.ko, self.es, self.fr), strict=True)
        )


N = Node

# fmt: off
TREE: Final[tuple[Node, ...]] = (
    N("coffee-tea", "coffee", "Coffee & tea", "Kahawa na chai", "कॉफ़ी और चाय", "咖啡与茶",
      "커피와 차", "Café y té", "Café et thé", (
        N("coffee", "coffee", "Coffee", "Kahawa", "कॉफ़ी", "咖啡", "커피", "Café", "Café"),
        N("tea", "tea", "Tea", "Chai", "चाय", "茶叶", "차", "Té", "Thé"),
        N("coffee-ceremony", "coffee", "Coffee ceremony sets", "Vifaa vya sherehe ya kahawa",
          "कॉफ़ी समारोह के सेट", "咖啡仪式套具", "커피 세리머니 세트",
          "Juegos para la ceremonia del café", "Services pour la cérémonie du café"),
    )),
    N("fruit-vegetables", "fruit", "Fruit & vegetables", "Matunda na mboga", "फल और सब्ज़ियाँ",
      "水果与蔬菜", "과일과 채소", "Frutas y verduras", "Fruits et légumes", (
        N("fruit", "fruit", "Fruit", "Matunda", "फल", "水果", "과일", "Frutas", "Fruits"),
        N("citrus", "citrus", "Citrus fruit", "Machungwa na ndimu", "खट्टे फल", "柑橘", "감귤류",
          "Cítricos", "Agrumes"),
        N("vegetables", "carrot", "Vegetables", "Mboga", "सब्ज़ियाँ", "蔬菜", "채소", "Verduras",
          "Légumes"),
        N("mountain-greens", "leaf", "Mountain vegetables & herbs",
          "Mboga za milimani na mitishamba", "पहाड़ी सब्ज़ियाँ और जड़ी-बूटियाँ", "山野菜与香草",
          "산나물과 허브", "Verduras de montaña y hierbas", "Légumes de montagne et herbes"),
    )),
    N("grains-pulses", "wheat", "Grains & pulses", "Nafaka na jamii ya kunde", "अनाज और दालें",
      "谷物与豆类", "곡물과 콩류", "Granos y legumbres", "Céréales et légumineuses", (
        N("rice", "rice", "Rice", "Mchele", "चावल", "大米", "쌀", "Arroz", "Riz"),
        N("quinoa", "wheat", "Quinoa", "Kinwa", "क्विनोआ", "藜麦", "퀴노아", "Quinua", "Quinoa"),
        N("soybeans", "bean", "Soybeans", "Soya", "सोयाबीन", "大豆", "대두", "Soya", "Soja"),
        N("wheat", "wheat", "Wheat", "Ngano", "गेहूँ", "小麦", "밀", "Trigo", "Blé"),
        N("chickpeas-lentils", "bean", "Chickpeas & lentils", "Dengu na njegere", "चना और मसूर",
          "鹰嘴豆与扁豆", "병아리콩과 렌틸콩", "Garbanzos y lentejas",
          "Pois chiches et lentilles"),
    )),
    N("sugar-sweeteners", "cane", "Sugar & sweeteners", "Sukari na vitamu", "चीनी और मिठास",
      "糖与甜味品", "설탕과 감미료", "Azúcar y endulzantes", "Sucre et produits sucrants", (
        N("jaggery", "cane", "Jaggery & cane sugar", "Sukari guru na sukari ya miwa",
          "गुड़ और खांड", "粗糖与蔗糖", "재거리와 사탕수수 설탕", "Panela y azúcar de caña",
          "Jaggery et sucre de canne"),
        N("sugarcane", "cane", "Sugarcane", "Miwa", "गन्ना", "甘蔗", "사탕수수",
          "Caña de azúcar", "Canne à sucre"),
        N("honey", "honey", "Honey", "Asali", "शहद", "蜂蜜", "꿀", "Miel", "Miel"),
    )),
    N("spices", "chili", "Spices", "Viungo", "मसाले", "香料", "향신료", "Especias", "Épices", (
        N("pepper", "chili", "Pepper", "Pilipili manga", "काली मिर्च", "胡椒", "후추",
          "Pimienta", "Poivre"),
        N("cardamom", "leaf", "Cardamom", "Iliki", "इलायची", "小豆蔻", "카다멈", "Cardamomo",
          "Cardamome"),
        N("spice-blends", "chili", "Spice blends", "Michanganyiko ya viungo", "मसाला मिश्रण",
          "混合香料", "혼합 향신료", "Mezclas de especias", "Mélanges d'épices"),
    )),
    N("dairy-eggs", "milk", "Dairy & eggs", "Maziwa na mayai", "डेयरी और अंडे", "乳制品与蛋类",
      "유제품과 달걀", "Lácteos y huevos", "Produits laitiers et œufs", (
        N("milk", "milk", "Milk & yoghurt", "Maziwa na mtindi", "दूध और दही", "牛奶与酸奶",
          "우유와 요구르트", "Leche y yogur", "Lait et yaourt"),
        N("butter-cheese", "milk", "Butter & cheese", "Siagi na jibini", "मक्खन और पनीर",
          "黄油与奶酪", "버터와 치즈", "Mantequilla y queso", "Beurre et fromage"),
        N("eggs", "egg", "Eggs", "Mayai", "अंडे", "鸡蛋", "달걀", "Huevos", "Œufs"),
    )),
    N("livestock", "goat", "Livestock", "Mifugo", "पशुधन", "牲畜", "가축", "Ganado", "Bétail", (
        N("goats-sheep", "goat", "Goats & sheep", "Mbuzi na kondoo", "बकरियाँ और भेड़ें",
          "山羊与绵羊", "염소와 양", "Cabras y ovejas", "Chèvres et moutons"),
        N("poultry", "egg", "Poultry", "Kuku na ndege wafugwao", "मुर्गियाँ", "家禽", "가금류",
          "Aves de corral", "Volailles"),
        N("animal-gifts", "gift", "Animals as gifts", "Wanyama kama zawadi", "उपहार में पशु",
          "牲畜礼品", "선물용 가축", "Animales para regalar", "Animaux à offrir"),
    )),
    N("textiles", "yarn", "Textiles & weaving", "Nguo na ufumaji", "वस्त्र और बुनाई", "纺织与编织",
      "직물과 직조", "Textiles y tejidos", "Textiles et tissage", (
        N("silk", "cloth", "Silk", "Hariri", "रेशम", "丝绸", "비단", "Seda", "Soie"),
        N("alpaca-wool", "yarn", "Alpaca wool", "Sufu ya alpaka", "अल्पाका ऊन", "羊驼毛",
          "알파카 울", "Lana de alpaca", "Laine d'alpaga"),
        N("woven-cloth", "cloth", "Woven cloth", "Vitambaa vilivyofumwa", "हाथ से बुना कपड़ा",
          "手织布", "손으로 짠 천", "Telas tejidas", "Tissus tissés"),
    )),
    N("crafts", "vase", "Crafts", "Kazi za mikono", "हस्तशिल्प", "手工艺品", "공예품",
      "Artesanía", "Artisanat", (
        N("pottery", "vase", "Pottery", "Vyombo vya udongo", "मिट्टी के बर्तन", "陶器", "도자기",
          "Cerámica", "Poterie"),
        N("silverware", "ring", "Silverware & jewellery", "Vyombo vya fedha na vito",
          "चाँदी के बर्तन और आभूषण", "银器与首饰", "은세공품과 장신구", "Platería y joyería",
          "Argenterie et bijoux"),
        N("baskets", "basket", "Baskets", "Vikapu", "टोकरियाँ", "编织篮", "바구니", "Cestas",
          "Paniers"),
    )),
    N("furniture-wood", "chair", "Furniture & wood", "Samani na mbao", "फ़र्नीचर और लकड़ी",
      "家具与木制品", "가구와 목재", "Muebles y madera", "Meubles et bois", (
        N("furniture", "chair", "Furniture", "Samani", "फ़र्नीचर", "家具", "가구", "Muebles",
          "Meubles"),
        N("flat-pack", "box", "Flat-pack furniture", "Samani za kuunganisha",
          "जोड़कर बनने वाला फ़र्नीचर", "板式家具", "조립식 가구", "Muebles para montar",
          "Meubles en kit"),
        N("wood-carving", "tree", "Wood carving", "Nakshi za mbao", "लकड़ी की नक्काशी", "木雕",
          "목각", "Tallas de madera", "Sculpture sur bois"),
    )),
    N("footwear-leather", "sandal", "Footwear & leather", "Viatu na ngozi", "जूते और चमड़ा",
      "鞋类与皮革", "신발과 가죽", "Calzado y cuero", "Chaussures et cuir", (
        N("sandals", "sandal", "Sandals", "Sandali", "सैंडल", "凉鞋", "샌들", "Sandalias",
          "Sandales"),
        N("leather-goods", "bag", "Leather goods", "Bidhaa za ngozi", "चमड़े का सामान", "皮具",
          "가죽 제품", "Artículos de cuero", "Maroquinerie"),
    )),
    N("home-hardware", "hammer", "Home & hardware", "Nyumbani na vifaa", "घर और हार्डवेयर",
      "家居与五金", "생활용품과 철물", "Hogar y ferretería", "Maison et quincaillerie", (
        N("tools-hardware", "hammer", "Tools & hardware", "Zana na vifaa", "औज़ार और हार्डवेयर",
          "工具与五金", "공구와 철물", "Herramientas y ferretería", "Outils et quincaillerie"),
        N("kitchenware", "pot", "Kitchenware", "Vyombo vya jikoni", "रसोई के बर्तन", "厨具",
          "주방용품", "Utensilios de cocina", "Ustensiles de cuisine"),
        N("packaging", "box", "Packaging", "Vifungashio", "पैकेजिंग", "包装材料", "포장재",
          "Embalaje", "Emballage"),
    )),
    N("farm-inputs", "sprout", "Seeds & farm inputs", "Mbegu na pembejeo za kilimo",
      "बीज और कृषि सामग्री", "种子与农资", "종자와 농자재", "Semillas e insumos agrícolas",
      "Semences et intrants agricoles", (
        N("seeds", "sprout", "Seeds", "Mbegu", "बीज", "种子", "종자", "Semillas", "Semences"),
        N("fertiliser", "sprout", "Fertiliser", "Mbolea", "उर्वरक", "肥料", "비료",
          "Fertilizantes", "Engrais"),
        N("farm-tools", "hammer", "Farm tools", "Zana za kilimo", "कृषि औज़ार", "农具", "농기구",
          "Herramientas agrícolas", "Outils agricoles"),
    )),
    N("music-stories", "music", "Music & stories", "Muziki na hadithi", "संगीत और कहानियाँ",
      "音乐与故事", "음악과 이야기", "Música e historias", "Musique et récits", (
        N("music", "music", "Recorded music", "Muziki uliorekodiwa", "रिकॉर्ड किया गया संगीत",
          "音乐录音", "녹음된 음악", "Música grabada", "Musique enregistrée"),
        N("instruments", "music", "Musical instruments", "Ala za muziki", "वाद्य यंत्र", "乐器",
          "악기", "Instrumentos musicales", "Instruments de musique"),
        N("photographs", "camera", "Photographs", "Picha", "तस्वीरें", "摄影作品", "사진",
          "Fotografías", "Photographies"),
        N("stories", "book", "Stories", "Hadithi", "कहानियाँ", "故事", "이야기", "Historias",
          "Récits"),
    )),
)
# fmt: on


def walk(nodes: tuple[Node, ...] = TREE) -> list[tuple[Node, Node | None, int]]:
    """Every node with its parent and its position among its siblings, parents first."""
    out: list[tuple[Node, Node | None, int]] = []

    def visit(level: tuple[Node, ...], parent: Node | None) -> None:
        for position, node in enumerate(level):
            out.append((node, parent, position))
            visit(node.children, node)

    visit(nodes, None)
    return out
