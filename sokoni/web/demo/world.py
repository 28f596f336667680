# ruff: noqa: E501 - a data file: long product texts read best on one line
"""The demo world: real places, invented people and shops (see shared DEMO_WORLD.md).

Pure data, no database access: `seed.py` turns it into rows. Prices are in major units of the
shop's currency (the seeder converts them to minor units); a line's `variants` are
(label, price factor) pairs that make distinct products of one kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

PASSWORD: Final = "sokoni-demo"  # noqa: S105 - the documented demo password


@dataclass(frozen=True)
class DemoAccount:
    """A person a newcomer can log in as."""

    role: str
    phone: str
    name: str
    language: str
    currency: str
    what: str  # what this account shows, for the command's output and the README


# Fixed numbers (all valid for their country) and one password, so the README can list them.
DEMO_ACCOUNTS: Final[tuple[DemoAccount, ...]] = (
    DemoAccount(
        "buyer",
        "+254712000010",
        "Achieng Otieno",
        "en",
        "KES",
        "buyer in Nairobi",
    ),
    DemoAccount(
        "buyer_abroad",
        "+447911123456",
        "Selam Tesfaye",
        "en",
        "GBP",
        "buyer abroad (London), sends gifts home to Ethiopia",
    ),
    DemoAccount(
        "seller",
        "+8613800000001",
        "Wang Jianguo",
        "zh-hans",
        "CNY",
        "seller in Dongfeng: owns Wang's Pine Workshop",
    ),
    DemoAccount(
        "farmer",
        "+254722000004",
        "Mwangi Kariuki",
        "sw",
        "KES",
        "farmer in Othaya with only a feature phone: his shop is run through the service centre",
    ),
    DemoAccount(
        "operator",
        "+254733000005",
        "Wanjiku Muriithi",
        "sw",
        "KES",
        "service-centre operator in Othaya",
    ),
    DemoAccount(
        "village_admin",
        "+254711000006",
        "Joseph Ndirangu",
        "en",
        "KES",
        "administrator of the village of Othaya",
    ),
    DemoAccount(
        "driver",
        "+254722000031",
        "Peter Maina",
        "sw",
        "KES",
        "Sokoni van driver at the Nyeri hub: collects the Othaya parcels, runs and scans",
    ),
    DemoAccount(
        "hub_staff",
        "+254722000032",
        "Esther Wairimu",
        "en",
        "KES",
        "clerk of the Nyeri hub: records parcels arriving and leaving",
    ),
    DemoAccount(
        "courier",
        "+254722000033",
        "Brian Otieno",
        "sw",
        "KES",
        "Haraka Couriers rider in Nairobi: delivers to addresses, records failed attempts",
    ),
    DemoAccount(
        "driver_cn",
        "+8613800000008",
        "Liu Qiang",
        "zh-hans",
        "CNY",
        "Sokoni van driver at the Suining hub: collects the Dongfeng parcels",
    ),
    DemoAccount(
        "staff",
        "+254700000007",
        "Sokoni staff",
        "en",
        "KES",
        "platform staff (is_staff, superuser): /admin/",
    ),
)


@dataclass(frozen=True)
class Certificate:
    kind: str  # catalog.states.CertificationKind value
    issuer: str
    reference: str
    verified: bool


@dataclass(frozen=True)
class Line:
    """One kind of product a village makes; each variant becomes a product."""

    category: str  # slug in catalog.category_tree.TREE
    name: str  # with "{v}" where the variant goes
    variants: tuple[tuple[str, float], ...]
    price: tuple[float, float]  # major units for factor 1
    description: str
    motif: str  # pictures.MOTIFS key
    colour: str
    label: str  # the word on the picture
    unit: str = "piece"
    produce: bool = False
    certificate: Certificate | None = None


@dataclass(frozen=True)
class ShopSpec:
    name: str
    owner: str  # the owner's name; a DEMO_ACCOUNTS role when it starts with "@"
    description: str
    lines: tuple[str, ...]  # keys of the village's lines


@dataclass(frozen=True)
class CentreSpec:
    name: str
    address: str
    hours: str
    operator: str = ""  # "@operator" for the demo operator, a name for a generated one, or ""


@dataclass(frozen=True)
class VillageSpec:
    name: str
    country: str
    region: str
    district: str
    latitude: str
    longitude: str
    households: int
    description: str
    specialities: tuple[str, ...]
    attractions: tuple[str, ...]
    contact: str  # the applicant and administrator; "@village_admin" for the demo one
    currency: str
    palette: tuple[str, str, str]  # sky, land, accent of the generated photos
    photos: tuple[str, ...]  # captions; 1 to 3 photos
    featured: bool
    centres: tuple[CentreSpec, ...]
    lines: dict[str, Line] = field(default_factory=dict)
    shops: tuple[ShopSpec, ...] = ()


def v(*pairs: tuple[str, float] | str) -> tuple[tuple[str, float], ...]:
    """Variants: a bare label has factor 1."""
    return tuple((p, 1.0) if isinstance(p, str) else p for p in pairs)


GI_COORG = Certificate(
    "gi", "Geographical Indications Registry, Chennai", "GI 614 Coorg Arabica", True
)
GI_ERODE = Certificate(
    "gi", "Geographical Indications Registry, Chennai", "GI 558 Erode Turmeric", True
)
GI_PATACHITRA = Certificate(
    "gi", "Geographical Indications Registry, Chennai", "GI 574 Bengal Patachitra", True
)
GI_SHARBATI = Certificate(
    "gi", "Geographical Indications Registry, Chennai", "Sehore Sharbati wheat", False
)
ORGANIC_KE = Certificate("organic", "Kenya Organic Agriculture Network", "KOAN-PGS-0417", True)
ORGANIC_IN = Certificate("organic", "India Organic (NPOP)", "NPOP-TN-2291", False)
ORGANIC_KR = Certificate(
    "organic", "National Agricultural Products Quality Management Service", "NAQS-10-4-551", True
)
FAIR_PE = Certificate("fair_trade", "World Fair Trade Organization", "WFTO-PE-118", True)
FAIR_KH = Certificate("fair_trade", "World Fair Trade Organization", "WFTO-KH-042", False)
ORGANIC_BO = Certificate("organic", "SENASAG Bolivia", "SENASAG-ECO-3307", True)

WORLD: Final[tuple[VillageSpec, ...]] = (
    VillageSpec(
        name="Dongfeng",
        country="CN",
        region="Jiangsu",
        district="Suining County, Shaji Town",
        latitude="34.031200",
        longitude="117.868400",
        households=1180,
        description=(
            "Dongfeng was a village of pig farmers and plastic recyclers until 2006, when one "
            "young man opened an online shop selling flat-pack furniture he had copied and "
            "improved. Neighbours followed: today more than 400 family shops, sawmills, hardware "
            "suppliers, packaging makers and courier depots line the lanes of the first "
            '"Taobao village". Pine and poplar come in by truck and leave as bookshelves, '
            "wardrobes and desks, delivered anywhere in China within three days."
        ),
        specialities=("Flat-pack furniture", "Wood processing", "Furniture hardware", "Packaging"),
        attractions=(
            "The e-commerce exhibition hall of Shaji Town",
            "Workshop tours: from plywood to parcel in one afternoon",
            "The night courier depots, busiest on 11 November",
        ),
        contact="Sun Hong",
        currency="CNY",
        palette=("#b9d3e8", "#8fae6b", "#a33b2e"),
        photos=(
            "Workshops along the main lane",
            "Poplar plywood drying in the sun",
            "Parcels waiting for the evening courier",
        ),
        featured=True,
        centres=(
            CentreSpec(
                "Dongfeng courier and service centre",
                "No. 18 Dongfeng Road, Shaji Town, Suining County",
                "Mon-Sun 8:00-21:00",
                "Zhou Min",
            ),
        ),
        lines={
            "shelf": Line(
                "flat-pack",
                "Pine bookshelf, {v}",
                v(
                    "3 tiers",
                    ("5 tiers", 1.5),
                    ("corner unit, 4 tiers", 1.3),
                    ("ladder style, 4 tiers", 1.2),
                ),
                (169, 229),
                "Flat-pack bookshelf of solid pine with a clear lacquer. Ships in one box with every screw, dowel and an illustrated guide; two people assemble it in 30 minutes.",
                "shelf",
                "#b07a4a",
                "Bookshelf",
            ),
            "wardrobe": Line(
                "flat-pack",
                "Flat-pack wardrobe, {v}",
                v(
                    "2 doors, white",
                    ("3 doors, oak colour", 1.5),
                    ("sliding doors, walnut colour", 1.9),
                    ("with mirror, white", 1.3),
                ),
                (459, 599),
                "Wardrobe of E1-grade particle board with a hanging rail and two shelves. Soft-close hinges, cam-lock fittings, packed flat in reinforced cartons.",
                "wardrobe",
                "#c8a27a",
                "Wardrobe",
            ),
            "chair": Line(
                "furniture",
                "Solid wood dining chair, {v}",
                v(
                    "beech",
                    ("walnut stain", 1.15),
                    ("set of 2, oak", 1.9),
                    ("with cushion, grey", 1.25),
                ),
                (119, 179),
                "Dining chair of kiln-dried hardwood with mortise-and-tenon joints, sanded and oiled in the village. Seat height 45 cm, carries 150 kg.",
                "chair",
                "#9a6a40",
                "Chair",
            ),
            "desk": Line(
                "flat-pack",
                "Children's study desk, {v}",
                v("adjustable height", ("with hutch", 1.4), ("with drawer and lamp shelf", 1.25)),
                (259, 369),
                "Study desk with a tilting top and rounded corners, made for homework. Height adjusts from 52 to 76 cm as the child grows.",
                "desk",
                "#6a9ac0",
                "Desk",
            ),
            "cabinet": Line(
                "flat-pack",
                "Shoe cabinet, {v}",
                v("2 tiers", ("4 tiers with seat", 1.6), ("slim, 3 flip drawers", 1.3)),
                (89, 139),
                "Space-saving shoe cabinet for narrow hallways, with ventilated shelves. Flat-packed, tools included.",
                "shelf",
                "#d0b48a",
                "Cabinet",
            ),
            "plywood": Line(
                "furniture-wood",
                "Poplar plywood sheet, {v}",
                v("9 mm, 1220 x 2440", ("15 mm, 1220 x 2440", 1.5), ("18 mm, 1220 x 2440", 1.8)),
                (69, 89),
                "Poplar-core plywood pressed in Shaji Town with E0 glue, sanded both sides. Sold by the sheet; pallet prices on request.",
                "box",
                "#c8a06a",
                "Plywood",
            ),
            "hinge": Line(
                "tools-hardware",
                "Cabinet hinges, {v}",
                v("pack of 10", ("soft-close, pack of 10", 2.2), ("175 degree, pack of 10", 2.6)),
                (16, 28),
                "Nickel-plated steel hinges for 18 mm doors, the same ones the village's workshops fit to their wardrobes.",
                "tool",
                "#7a8290",
                "Hinges",
            ),
            "slides": Line(
                "tools-hardware",
                "Drawer slides, {v}",
                v("350 mm, pair", ("450 mm, pair", 1.2), ("full extension 500 mm, pair", 1.8)),
                (15, 24),
                "Ball-bearing drawer runners, zinc coated, rated for 35 kg. Screws included.",
                "tool",
                "#5a6270",
                "Slides",
            ),
            "toolkit": Line(
                "tools-hardware",
                "Furniture assembly tool kit, {v}",
                v("24 pieces", ("46 pieces", 1.7)),
                (35, 55),
                "Hex keys, a ratchet screwdriver, bits and a rubber mallet in a zip case: everything flat-pack furniture asks for.",
                "tool",
                "#c04a2a",
                "Tool kit",
            ),
            "boxes": Line(
                "packaging",
                "Corrugated shipping boxes, {v}",
                v(
                    "size 3, pack of 50",
                    ("size 5, pack of 50", 0.8),
                    ("furniture size, pack of 10", 1.6),
                ),
                (39, 69),
                "Five-layer corrugated cartons from the village's packaging plant, strong enough for furniture parts.",
                "box",
                "#3a7ab0",
                "Boxes",
            ),
            "foam": Line(
                "packaging",
                "Edge protection foam, {v}",
                v("roll of 50 m", ("corner guards, 200 pieces", 0.9)),
                (29, 45),
                "EPE foam that keeps corners and panels unmarked on the way to the buyer.",
                "box",
                "#5aa0c0",
                "Foam",
            ),
        },
        shops=(
            ShopSpec(
                "Wang's Pine Workshop",
                "@seller",
                "Bookshelves and shoe cabinets since 2009. Every order is packed the same day and handed to the courier by 8 pm.",
                ("shelf", "cabinet", "chair", "desk"),
            ),
            ShopSpec(
                "Shaji Home Furniture",
                "Li Na",
                "Wardrobes and desks for small flats, designed in Dongfeng.",
                ("wardrobe", "desk", "cabinet"),
            ),
            ShopSpec(
                "Dongfeng Oak and Beech",
                "Zhang Wei",
                "Solid hardwood chairs made by three brothers.",
                ("chair", "shelf"),
            ),
            ShopSpec(
                "Sun Family Wardrobes",
                "Sun Li",
                "Wardrobes with soft-close fittings, delivered anywhere in China.",
                ("wardrobe", "cabinet"),
            ),
            ShopSpec(
                "Suining Plywood Mill",
                "Liu Yang",
                "Poplar plywood pressed down the road from the village.",
                ("plywood",),
            ),
            ShopSpec(
                "Shaji Hardware Supply",
                "Chen Jie",
                "Hinges, slides and fittings for furniture makers.",
                ("hinge", "slides", "toolkit"),
            ),
            ShopSpec(
                "Dongfeng Packaging Co-op",
                "Zhao Lei",
                "Cartons and foam for the village's shops and anyone who ships.",
                ("boxes", "foam"),
            ),
            ShopSpec(
                "Little Scholar Desks",
                "Huang Min",
                "Desks and bookshelves for children.",
                ("desk", "shelf"),
            ),
        ),
    ),
    VillageSpec(
        name="Daegwallyeong",
        country="KR",
        region="Gangwon",
        district="Pyeongchang County",
        latitude="37.682000",
        longitude="128.756000",
        households=2300,
        description=(
            "A highland village 800 m above the sea, snowed in every winter, where cool summers "
            "grow Korea's best seed potatoes, cabbage and wild mountain greens. Through its "
            "information-network village portal, farmers sell their harvest straight to city "
            "families, delivered anywhere in the country within three days, and fill their farm "
            "stays with visitors from Seoul."
        ),
        specialities=("Highland potatoes", "Mountain vegetables", "Buckwheat", "Farm stays"),
        attractions=(
            "Daegwallyeong sheep ranch",
            "Fir forest path to Woljeongsa temple",
            "Buckwheat flowers at Bongpyeong in September",
        ),
        contact="Kim Young-ho",
        currency="KRW",
        palette=("#a9cfe8", "#6f9a55", "#2f5f8a"),
        photos=("Potato fields on the plateau", "Farm stay houses"),
        featured=True,
        centres=(
            CentreSpec(
                "Daegwallyeong information centre",
                "Daegwallyeong-myeon office, Pyeongchang",
                "Mon-Fri 9:00-18:00",
                "Park Ji-woo",
            ),
        ),
        lines={
            "potato": Line(
                "vegetables",
                "Highland potatoes, {v}",
                v("5 kg box", ("10 kg box", 1.85)),
                (18000, 24000),
                "Potatoes from the plateau, dug in August and cured in the village's cool store. Floury, good for steaming and jeon.",
                "sack",
                "#c8a86a",
                "Potatoes",
            ),
            "greens": Line(
                "mountain-greens",
                "Dried mountain greens, {v}",
                v("gondre, 100 g", ("chwinamul, 100 g", 0.9), ("mixed namul, 300 g", 2.6)),
                (11000, 15000),
                "Wild greens picked on the slopes in May, blanched and sun-dried. Soak overnight for namul or gondre rice.",
                "leaf",
                "#5a8a3a",
                "Greens",
                certificate=ORGANIC_KR,
            ),
            "buckwheat": Line(
                "grains-pulses",
                "Bongpyeong buckwheat flour, {v}",
                v("1 kg", ("2 kg", 1.9)),
                (8500, 11000),
                "Stone-milled buckwheat for memil noodles and pancakes, milled weekly.",
                "sack",
                "#b8a080",
                "Buckwheat",
            ),
            "cabbage": Line(
                "vegetables",
                "Highland napa cabbage, {v}",
                v("3 heads", ("for kimchi, 10 kg", 2.8)),
                (9000, 13000),
                "Crisp summer cabbage from 800 m, the kind kimchi makers wait for.",
                "leaf",
                "#8ac06a",
                "Cabbage",
            ),
        },
        shops=(
            ShopSpec(
                "Plateau Potato Farm",
                "Kim Min-jun",
                "Third-generation potato growers.",
                ("potato", "cabbage"),
            ),
            ShopSpec(
                "Daegwallyeong Namul House",
                "Lee Seo-yeon",
                "Mountain greens picked and dried by the village women's group.",
                ("greens", "buckwheat"),
            ),
            ShopSpec(
                "Snowfield Farm",
                "Choi Ji-hoon",
                "Potatoes, cabbage and buckwheat from a family farm stay.",
                ("potato", "buckwheat", "cabbage"),
            ),
        ),
    ),
    VillageSpec(
        name="Wimi",
        country="KR",
        region="Jeju",
        district="Seogwipo, Namwon-eup",
        latitude="33.279000",
        longitude="126.662000",
        households=1350,
        description=(
            "On the warm southern coast of Jeju, Wimi's stone-walled orchards grow mandarins, "
            "hallabong and camellias. The village portal lists every orchard's harvest and "
            "delivers boxes of fruit to the mainland within three days, while visitors walk the "
            "camellia woods planted by a village woman sixty years ago."
        ),
        specialities=("Jeju mandarins", "Hallabong", "Citrus preserves", "Citrus tea"),
        attractions=(
            "Wimi camellia forest",
            "Jeju Olle trail, route 5",
            "Orchard picking days in December",
        ),
        contact="Ko Eun-ji",
        currency="KRW",
        palette=("#9fd0ec", "#4f8f4f", "#e08a1e"),
        photos=(
            "Mandarin orchards behind basalt walls",
            "Camellias in winter",
            "The coast below the village",
        ),
        featured=False,
        centres=(
            CentreSpec(
                "Wimi village hall",
                "Wimi-ri community hall, Namwon-eup, Seogwipo",
                "Mon-Sat 9:00-18:00",
                "Boo Seung-min",
            ),
        ),
        lines={
            "mandarin": Line(
                "citrus",
                "Jeju mandarins, {v}",
                v("standard grade", ("premium grade", 1.35), ("small, sweet", 0.9)),
                (4500, 6500),
                "Mandarins picked to order from stone-walled orchards; shipped in five-kilo boxes, priced per kilo.",
                "fruit",
                "#f08c1e",
                "Mandarins",
                unit="kg",
                produce=True,
            ),
            "hallabong": Line(
                "citrus",
                "Hallabong, {v}",
                v("3 kg box", ("5 kg gift box", 1.6)),
                (29000, 36000),
                "The big, easy-peeling Jeju citrus with a knob on top, ripened on the tree until February.",
                "fruit",
                "#f5a020",
                "Hallabong",
            ),
            "camellia": Line(
                "fruit",
                "Mandarin cheong, {v}",
                v("500 g jar", ("1 kg jar", 1.85), ("with ginger, 500 g", 1.1)),
                (14000, 19000),
                "Sliced mandarins preserved in sugar, the Jeju way: stir a spoonful into hot water for citrus tea.",
                "jar",
                "#f0a030",
                "Cheong",
            ),
            "citrustea": Line(
                "tea",
                "Dried mandarin peel tea, {v}",
                v("50 g", ("100 g", 1.8)),
                (9000, 12000),
                "Jinpi: peel of organic mandarins, dried and aged for a year.",
                "leaf",
                "#e0a030",
                "Citrus tea",
            ),
        },
        shops=(
            ShopSpec(
                "Wimi Orchard Boxes",
                "Hyun Soo-a",
                "Mandarins and hallabong, picked the day you order.",
                ("mandarin", "hallabong"),
            ),
            ShopSpec(
                "Camellia Hill Pantry",
                "Kang Mi-rae",
                "Citrus preserves and teas from Wimi.",
                ("camellia", "citrustea"),
            ),
            ShopSpec(
                "Namwon Citrus Farm",
                "Yang Dong-hyun",
                "A family orchard above the sea.",
                ("mandarin", "hallabong", "citrustea"),
            ),
            ShopSpec(
                "Olle Trail Farm Shop",
                "Oh Ha-eun",
                "Fruit and preserves for walkers and for home.",
                ("hallabong", "camellia"),
            ),
        ),
    ),
    VillageSpec(
        name="Kavindapadi",
        country="IN",
        region="Tamil Nadu",
        district="Erode",
        latitude="11.425000",
        longitude="77.560000",
        households=4200,
        description=(
            "Sugarcane fields run to the banks of the Lower Bhavani canal, and in season the "
            "village's crushing units boil fresh juice into golden jaggery. Growers now sell "
            "their cane straight to the mill at a fair weighed price, and check market prices and "
            "the weather at the telecentre before they cut."
        ),
        specialities=("Sugarcane", "Jaggery", "Turmeric"),
        attractions=(
            "The jaggery auction at the regulated market",
            "Kodiveri dam on the Bhavani river",
        ),
        contact="Senthil Kumar",
        currency="INR",
        palette=("#a8d4f0", "#7fae4c", "#c0781e"),
        photos=("Jaggery boiling pans", "Sugarcane in the fields"),
        featured=False,
        centres=(
            CentreSpec(
                "Kavindapadi telecentre",
                "Near the bus stand, Kavindapadi, Erode district",
                "Mon-Sat 9:00-19:00",
                "Priya Murugan",
            ),
        ),
        lines={
            "jaggery": Line(
                "jaggery",
                "Kavindapadi jaggery, {v}",
                v("cube (achu vellam)", ("round (urundai)", 0.95), ("dark, for pongal", 1.1)),
                (65, 95),
                "Jaggery boiled in open pans from the day's cane juice, with no chemicals for clarifying. Priced per kilo.",
                "mound",
                "#b8742a",
                "Jaggery",
                unit="kg",
                produce=True,
            ),
            "powder": Line(
                "jaggery",
                "Organic jaggery powder, {v}",
                v("500 g", ("1 kg", 1.85)),
                (60, 80),
                "Free-flowing jaggery powder from organic cane, for tea, sweets and baking.",
                "jar",
                "#c8843a",
                "Jaggery",
                certificate=ORGANIC_IN,
            ),
            "cane": Line(
                "sugarcane",
                "Fresh sugarcane, {v}",
                v("bundle of 10 canes", ("bundle of 20 canes", 1.9)),
                (160, 220),
                "Juicy cane for Pongal and for juice stalls, cut the day it ships.",
                "seedling",
                "#6aa040",
                "Sugarcane",
                unit="bundle",
                produce=True,
            ),
            "turmeric": Line(
                "spices",
                "Erode turmeric, {v}",
                v("powder, 200 g", ("whole fingers, 500 g", 1.6)),
                (70, 110),
                "Erode's famous turmeric, boiled, sun-dried and polished in the district: deep colour, high curcumin.",
                "mound",
                "#e0a010",
                "Turmeric",
                certificate=GI_ERODE,
            ),
        },
        shops=(
            ShopSpec(
                "Bhavani Jaggery Works",
                "Murugan Palanisamy",
                "A crushing unit run by four cane farmers.",
                ("jaggery", "powder"),
            ),
            ShopSpec(
                "Erode Golden Spices",
                "Lakshmi Ramasamy",
                "Turmeric from our fields and our neighbours'.",
                ("turmeric", "powder"),
            ),
            ShopSpec(
                "Kavindapadi Cane Farmers",
                "Karthik Selvam",
                "Cane and jaggery straight from the growers.",
                ("cane", "jaggery"),
            ),
            ShopSpec(
                "Sweet Pongal Store",
                "Meena Subramani",
                "Everything for the harvest festival.",
                ("jaggery", "cane", "turmeric"),
            ),
        ),
    ),
    VillageSpec(
        name="Chettalli",
        country="IN",
        region="Karnataka",
        district="Kodagu (Coorg)",
        latitude="12.432000",
        longitude="75.862000",
        households=1600,
        description=(
            "Coffee grows under tall silver oaks in Chettalli, with black pepper vines climbing "
            "the shade trees and cardamom in the wet hollows. Small planters sell their own "
            "arabica and robusta here instead of waiting for the trader's price, and check the "
            "auction rates every morning."
        ),
        specialities=("Arabica coffee", "Robusta coffee", "Black pepper", "Cardamom"),
        attractions=("Coffee estate walks at blossom time", "Dubare elephant camp", "Abbey Falls"),
        contact="Ponnappa Machaiah",
        currency="INR",
        palette=("#b0d8f0", "#3f7a3a", "#8a3a2a"),
        photos=("Coffee under the shade trees", "Drying yard in January", "Pepper vines"),
        featured=True,
        centres=(
            CentreSpec(
                "Chettalli planters' centre",
                "Opposite the coffee research sub-station, Chettalli",
                "Mon-Sat 8:30-17:30",
                "Kaveri Ganapathy",
            ),
        ),
        lines={
            "arabica": Line(
                "coffee",
                "Coorg arabica coffee, {v}",
                v(
                    "roasted beans, 250 g",
                    ("ground, 250 g", 1.0),
                    ("roasted beans, 500 g", 1.9),
                    ("roasted beans, 1 kg", 3.6),
                ),
                (290, 390),
                "Shade-grown arabica from 1,000 m, washed and sun-dried on the estate, roasted to order in small batches.",
                "cup",
                "#8a5a3c",
                "Coffee",
                certificate=GI_COORG,
            ),
            "robusta": Line(
                "coffee",
                "Coorg robusta coffee, {v}",
                v(
                    "roasted beans, 500 g",
                    ("filter blend with chicory, 500 g", 0.9),
                    ("green beans, per kg", 0.8),
                ),
                (260, 340),
                "Strong, chocolatey robusta, the backbone of South Indian filter coffee.",
                "beans",
                "#6a3a1a",
                "Robusta",
            ),
            "green": Line(
                "coffee",
                "Green arabica beans, {v}",
                v("washed plantation A", ("cherry AB", 0.85), ("parchment", 0.9)),
                (520, 640),
                "Unroasted beans for home roasters and cafés, graded on the estate. Priced per kilo.",
                "beans",
                "#7a9a5a",
                "Green coffee",
                unit="kg",
                produce=True,
            ),
            "pepper": Line(
                "pepper",
                "Coorg black pepper, {v}",
                v("whole, 250 g", ("cracked, 250 g", 1.05), ("bold grade, 500 g", 2.0)),
                (210, 290),
                "Pepper from vines on the coffee shade trees, sun-dried on mats.",
                "mound",
                "#3a3a3a",
                "Pepper",
            ),
            "cardamom": Line(
                "cardamom",
                "Green cardamom, {v}",
                v("100 g", ("8 mm bold, 100 g", 1.3), ("250 g", 2.4)),
                (290, 390),
                "Cardamom from the wet hollows of the estate, dried over wood fire.",
                "mound",
                "#7aa05a",
                "Cardamom",
            ),
            "honey": Line(
                "honey",
                "Coorg wild honey, {v}",
                v("500 g", ("1 kg", 1.9)),
                (340, 420),
                "Honey from the coffee blossom and the forest edge, raw and unheated.",
                "jar",
                "#e0a020",
                "Honey",
            ),
        },
        shops=(
            ShopSpec(
                "Silver Oak Estate Coffee",
                "Ponnappa Machaiah",
                "Arabica from our 12-acre estate, roasted every Monday.",
                ("arabica", "green"),
            ),
            ShopSpec(
                "Kodava Spice Garden",
                "Bollamma Kariappa",
                "Pepper and cardamom from the estate's shade.",
                ("pepper", "cardamom"),
            ),
            ShopSpec(
                "Chettalli Roasters",
                "Appaiah Somaiah",
                "Filter coffee the Coorg way.",
                ("robusta", "arabica"),
            ),
            ShopSpec(
                "Blossom Honey Coorg",
                "Deepa Nanjappa",
                "Beekeepers in the coffee.",
                ("honey", "pepper"),
            ),
            ShopSpec(
                "Harangi Coffee Growers",
                "Subbaiah Uthappa",
                "A group of small planters selling together.",
                ("arabica", "robusta", "green"),
            ),
        ),
    ),
    VillageSpec(
        name="Ichhawar",
        country="IN",
        region="Madhya Pradesh",
        district="Sehore",
        latitude="23.030000",
        longitude="77.010000",
        households=3100,
        description=(
            "Black-soil fields of soybean in the monsoon and golden sharbati wheat in winter. "
            "Farmers here learnt to buy seed and fertiliser together at the village kiosk, "
            "cutting out two middlemen, and to sell soybeans at the day's posted price."
        ),
        specialities=("Soybeans", "Sharbati wheat", "Chickpeas"),
        attractions=("The weekly haat on Tuesdays", "Chintaman Ganesh temple, Sehore"),
        contact="Ramesh Patidar",
        currency="INR",
        palette=("#b8d8ee", "#a0923c", "#5a7a2a"),
        photos=("Soybean fields in August",),
        featured=False,
        centres=(
            CentreSpec(
                "Ichhawar farmers' kiosk",
                "Mandi road, Ichhawar, Sehore district",
                "Mon-Sat 8:00-18:00",
                "Sunita Meena",
            ),
        ),
        lines={
            "soy": Line(
                "soybeans",
                "Soybeans, {v}",
                v("yellow, cleaned", ("for sprouting", 1.15)),
                (46, 58),
                "Soybeans from this season's harvest, cleaned and graded. Priced per kilo; sold by the 25 kg bag.",
                "sack",
                "#d8c070",
                "Soybeans",
                unit="kg",
                produce=True,
            ),
            "wheat": Line(
                "wheat",
                "Sharbati wheat, {v}",
                v("grain", ("stone-ground atta", 1.2)),
                (42, 55),
                "Golden, sweet sharbati wheat of the Sehore plains: soft rotis that stay soft. Priced per kilo.",
                "sack",
                "#e0b850",
                "Wheat",
                unit="kg",
                produce=True,
                certificate=GI_SHARBATI,
            ),
            "chana": Line(
                "chickpeas-lentils",
                "Desi chickpeas, {v}",
                v("whole", ("split (chana dal)", 1.15), ("roasted", 1.6)),
                (68, 88),
                "Small dark chickpeas grown without irrigation on residual moisture. Priced per kilo.",
                "sack",
                "#b08040",
                "Chickpeas",
                unit="kg",
                produce=True,
            ),
            "seed": Line(
                "seeds",
                "Certified soybean seed, {v}",
                v("JS 20-34, 30 kg bag", ("JS 95-60, 30 kg bag", 1.05)),
                (2900, 3400),
                "Certified seed of varieties bred in Madhya Pradesh; germination tested. Buy with your neighbours to save on transport.",
                "seedling",
                "#7aa04a",
                "Seed",
            ),
            "soyflour": Line(
                "soybeans",
                "Soy flour, {v}",
                v("1 kg", ("5 kg", 4.6)),
                (90, 120),
                "Roasted, defatted soy flour milled in the village, for rotis and snacks.",
                "sack",
                "#e8d090",
                "Soy flour",
            ),
        },
        shops=(
            ShopSpec(
                "Patidar Farm Produce",
                "Ramesh Patidar",
                "Soybeans and wheat from 20 acres.",
                ("soy", "wheat"),
            ),
            ShopSpec(
                "Sehore Sharbati Atta",
                "Kavita Verma",
                "Wheat and flour milled to order.",
                ("wheat", "soyflour"),
            ),
            ShopSpec(
                "Ichhawar Kisan Store",
                "Mahesh Rajput",
                "Seed and pulses for farmers, sold together.",
                ("seed", "chana"),
            ),
            ShopSpec(
                "Malwa Pulses",
                "Anita Yadav",
                "Chickpeas and soybeans from our cooperative.",
                ("chana", "soy", "soyflour"),
            ),
        ),
    ),
    VillageSpec(
        name="Santa Catarina",
        country="CV",
        region="Santiago",
        district="Assomada",
        latitude="15.100000",
        longitude="-23.680000",
        households=1900,
        description=(
            "In the green heart of Santiago island, women weave panu di terra on narrow looms, "
            "the striped cotton cloth their great-grandmothers wore, and potters in Fonte Lima "
            "shape water jars by hand. Their cooperative now sells to Cabo Verdeans all over the "
            "world, from Lisbon to Boston."
        ),
        specialities=("Woven cloth (panu di terra)", "Pottery", "Baskets"),
        attractions=(
            "Assomada market, Wednesday and Saturday",
            "Serra Malagueta natural park",
            "The potters of Fonte Lima",
        ),
        contact="Maria Tavares",
        currency="CVE",
        palette=("#a8d8f0", "#8aa85a", "#c05a2a"),
        photos=("The valley below Assomada", "Panu di terra on the loom"),
        featured=True,
        centres=(
            CentreSpec(
                "Assomada women's cooperative",
                "Praça central, Assomada, Santa Catarina",
                "Mon-Sat 8:00-17:00",
                "Djamila Semedo",
            ),
        ),
        lines={
            "panu": Line(
                "woven-cloth",
                "Panu di terra, {v}",
                v(
                    "indigo and white",
                    ("black and white", 1.0),
                    ("ceremonial, six bands", 1.8),
                    ("table runner", 0.5),
                ),
                (3800, 5800),
                "Hand-woven cotton cloth of narrow bands sewn together, made on a traditional loom in Santa Catarina.",
                "cloth",
                "#2a4a8a",
                "Panu",
            ),
            "pot": Line(
                "pottery",
                "Fonte Lima clay pot, {v}",
                v("water jar (binde)", ("cooking pot", 0.8), ("small, for plants", 0.45)),
                (1400, 2400),
                "Hand-built pot of Fonte Lima red clay, burnished and fired in an open kiln.",
                "pot",
                "#c0663a",
                "Pottery",
            ),
            "basket": Line(
                "baskets",
                "Woven basket, {v}",
                v("market basket", ("bread basket", 0.6), ("large, with lid", 1.6)),
                (900, 1500),
                "Basket woven from palm and reed by women of Santa Catarina.",
                "basket",
                "#c0a050",
                "Basket",
            ),
            "bag": Line(
                "woven-cloth",
                "Woven cotton bag, {v}",
                v("shoulder bag", ("tote", 1.2), ("purse", 0.6)),
                (1600, 2400),
                "Bag sewn from panu di terra offcuts, lined with cotton.",
                "cloth",
                "#a83a3a",
                "Bag",
            ),
        },
        shops=(
            ShopSpec(
                "Tecelãs de Assomada",
                "Maria Tavares",
                "A cooperative of 18 weavers.",
                ("panu", "bag"),
            ),
            ShopSpec(
                "Olaria Fonte Lima",
                "Joana Varela",
                "Pottery from the village of potters.",
                ("pot",),
            ),
            ShopSpec(
                "Cestos da Serra",
                "Ana Furtado",
                "Baskets from the hills of the Serra Malagueta.",
                ("basket", "bag"),
            ),
            ShopSpec(
                "Panu di Terra Atelier",
                "Lúcia Moreno",
                "Cloth for weddings, baptisms and your table.",
                ("panu", "basket", "pot"),
            ),
        ),
    ),
    VillageSpec(
        name="Korogocho",
        country="KE",
        region="Nairobi",
        district="Kasarani",
        latitude="-1.250000",
        longitude="36.885000",
        households=41000,
        description=(
            "One of Nairobi's largest informal settlements, on the edge of the Dandora dump. A "
            "community workshop here turns old car tyres into tough, handsome sandals, and the "
            "young cobblers now ship them to buyers abroad as well as to the city's markets."
        ),
        specialities=("Sandals from recycled tyres", "Beadwork", "Upcycled bags"),
        attractions=("Open workshop days", "The murals of the Korogocho art walk"),
        contact="Otieno Ouma",
        currency="KES",
        palette=("#b0cfe0", "#8a7a5a", "#d04a2a"),
        photos=("The sandal workshop",),
        featured=True,
        centres=(
            CentreSpec(
                "Korogocho community workshop",
                "Off Kamunde Road, near the chief's camp, Korogocho",
                "Mon-Sat 8:00-18:00",
                "Akinyi Odhiambo",
            ),
        ),
        lines={
            "akala": Line(
                "sandals",
                "Akala sandals from recycled tyres, {v}",
                v(
                    "classic, black",
                    ("with red straps", 1.05),
                    ("with Maasai beadwork", 1.6),
                    ("children's size", 0.6),
                ),
                (850, 1250),
                "Sandals cut from old car tyres and stitched by hand in the Korogocho workshop: the sole outlives three pairs of shoes.",
                "sandal",
                "#d05a2a",
                "Sandals",
            ),
            "beads": Line(
                "silverware",
                "Beaded bracelet, {v}",
                v("single strand", ("set of 3", 2.5), ("Kenya colours", 1.1)),
                (250, 400),
                "Glass beads threaded on waxed cord by the workshop's women.",
                "basket",
                "#2a8a5a",
                "Beads",
            ),
            "bag": Line(
                "crafts",
                "Upcycled bag, {v}",
                v("from inner tubes", ("from maize sacks", 0.8), ("laptop sleeve", 1.4)),
                (1200, 1900),
                "A bag sewn from rubber inner tubes or printed sacks, waterproof and almost indestructible.",
                "basket",
                "#3a3a3a",
                "Bag",
            ),
        },
        shops=(
            ShopSpec(
                "Wikyo Akala Workshop",
                "Otieno Ouma",
                "The workshop that started it: sandals from tyres since 2004.",
                ("akala",),
            ),
            ShopSpec(
                "Koch Beads",
                "Akinyi Atieno",
                "Beadwork from the women of Korogocho.",
                ("beads", "bag"),
            ),
            ShopSpec(
                "Tyre to Trail",
                "Brian Kamau",
                "Sandals and bags from what Nairobi throws away.",
                ("akala", "bag"),
            ),
            ShopSpec(
                "Dandora Upcycle Studio",
                "Grace Wambui",
                "Upcycled bags and beadwork.",
                ("bag", "beads", "akala"),
            ),
        ),
    ),
    VillageSpec(
        name="Othaya",
        country="KE",
        region="Nyeri",
        district="Othaya",
        latitude="-0.548000",
        longitude="36.943000",
        households=5200,
        description=(
            "Red soil, tea bushes and avocado trees on the ridges between Mount Kenya and the "
            "Aberdares. Many farmers have no smartphone: they bring produce to the service "
            "centre, where the operator lists it, orders for neighbours, takes cash or mobile "
            "money, and hands over parcels against a code."
        ),
        specialities=("Tea", "Hass avocados", "Honey", "Dairy", "Coffee"),
        attractions=("Views of Mount Kenya at dawn", "Tea factory visits", "Aberdare forest walks"),
        contact="@village_admin",
        currency="KES",
        palette=("#9cc8e8", "#3f8a3f", "#b5452a"),
        photos=("Tea on the ridges", "The service centre on market day", "Avocado harvest"),
        featured=True,
        centres=(
            CentreSpec(
                "Othaya service centre",
                "Othaya town, next to the post office",
                "Mon-Sat 7:30-18:30",
                "@operator",
            ),
            CentreSpec(
                "Karima pickup point",
                "Karima shopping centre, behind the dairy",
                "Tue, Thu, Sat 8:00-16:00",
                "",
            ),
        ),
        lines={
            "tea": Line(
                "tea",
                "Othaya black tea, {v}",
                v("loose leaf, 250 g", ("loose leaf, 500 g", 1.85), ("purple tea, 100 g", 1.6)),
                (280, 380),
                "Tea plucked on the ridges of Othaya and made at the local factory: bright, brisk and strong.",
                "leaf",
                "#3f7a3a",
                "Tea",
            ),
            "avocado": Line(
                "fruit",
                "Hass avocados, {v}",
                v("grade 1", ("grade 2, for guacamole", 0.75)),
                (140, 190),
                "Hass avocados from the ridges, picked hard and ripe in four days. Priced per kilo.",
                "fruit",
                "#4a7a2a",
                "Avocados",
                unit="kg",
                produce=True,
            ),
            "honey": Line(
                "honey",
                "Organic highland honey, {v}",
                v("500 g", ("1 kg", 1.9), ("comb honey, 400 g", 1.3)),
                (650, 850),
                "Honey from log and Langstroth hives near the Aberdare forest, strained, never heated.",
                "jar",
                "#e0a020",
                "Honey",
                certificate=ORGANIC_KE,
            ),
            "coffee": Line(
                "coffee",
                "Nyeri AA coffee, {v}",
                v("roasted beans, 250 g", ("ground, 250 g", 1.0), ("roasted beans, 500 g", 1.9)),
                (650, 880),
                "Washed SL28 and Ruiru 11 from the Othaya cooperative: blackcurrant and bright acidity.",
                "cup",
                "#6a3a1a",
                "Coffee",
            ),
            "ghee": Line(
                "butter-cheese",
                "Farm ghee, {v}",
                v("250 g", ("500 g", 1.9)),
                (520, 650),
                "Ghee clarified from the cream of grass-fed cows in Othaya.",
                "bottle",
                "#e8c040",
                "Ghee",
            ),
            "macadamia": Line(
                "fruit-vegetables",
                "Macadamia nuts, {v}",
                v("shelled, 250 g", ("roasted and salted, 250 g", 1.15)),
                (550, 700),
                "Macadamias from trees planted between the coffee, cracked by hand.",
                "beans",
                "#d8b080",
                "Macadamia",
            ),
        },
        shops=(
            ShopSpec(
                "Mwangi's Avocados",
                "@farmer",
                "Avocados and tea from Mwangi Kariuki's farm, listed and sent through the Othaya service centre.",
                ("avocado", "tea"),
            ),
            ShopSpec(
                "Aberdare Honey Co-op",
                "Njeri Wairimu",
                "Beekeepers of the forest edge.",
                ("honey",),
            ),
            ShopSpec(
                "Othaya Tea Growers",
                "Peter Maina",
                "Tea from small holders of the Othaya factory.",
                ("tea", "coffee"),
            ),
            ShopSpec(
                "Mount Kenya Dairy",
                "Esther Nyambura",
                "Ghee and honey from the ridges.",
                ("ghee", "honey"),
            ),
            ShopSpec(
                "Chinga Ridge Coffee",
                "Samuel Gichuki",
                "Coffee from the Othaya cooperative.",
                ("coffee", "macadamia"),
            ),
            ShopSpec(
                "Nyeri Farm Basket",
                "Lucy Wanjiru",
                "A bit of everything the ridges grow.",
                ("avocado", "macadamia", "honey", "tea"),
            ),
        ),
    ),
    VillageSpec(
        name="Chinchero",
        country="PE",
        region="Cusco",
        district="Urubamba",
        latitude="-13.392000",
        longitude="-72.048000",
        households=2700,
        description=(
            "High on the plain above the Sacred Valley, Quechua weavers spin alpaca wool on drop "
            "spindles and dye it with cochineal, indigo and chilca. Their cooperatives now sell "
            "to Peruvians abroad, who pay in dollars or euros and receive their parcels by "
            "international courier."
        ),
        specialities=("Alpaca wool textiles", "Natural dyes", "Quinoa", "Native potatoes"),
        attractions=(
            "Sunday market",
            "Inca terraces and the colonial church",
            "Weaving demonstrations",
        ),
        contact="Nilda Callañaupa",
        currency="PEN",
        palette=("#8ec0e8", "#9a8a4a", "#b02a4a"),
        photos=("Weavers in the courtyard", "The Inca terraces"),
        featured=False,
        centres=(
            CentreSpec(
                "Chinchero weaving centre",
                "Calle Manzanares, Chinchero, Urubamba",
                "Mon-Sun 8:00-18:00",
                "Rosa Quispe",
            ),
        ),
        lines={
            "scarf": Line(
                "alpaca-wool",
                "Hand-woven alpaca scarf, {v}",
                v(
                    "natural grey",
                    ("cochineal red", 1.1),
                    ("indigo blue", 1.1),
                    ("with condor pattern", 1.5),
                ),
                (140, 220),
                "Baby alpaca, spun on a drop spindle and woven on a backstrap loom by the Chinchero weavers.",
                "cloth",
                "#b02a4a",
                "Alpaca",
            ),
            "yarn": Line(
                "alpaca-wool",
                "Naturally dyed alpaca yarn, {v}",
                v("100 g skein", ("5 skeins", 4.6)),
                (38, 55),
                "Hand-spun alpaca dyed with plants and cochineal in Chinchero.",
                "basket",
                "#c0506a",
                "Yarn",
            ),
            "manta": Line(
                "woven-cloth",
                "Woven manta, {v}",
                v("carrying cloth", ("wall hanging", 1.3)),
                (280, 460),
                "A traditional manta with the village's own patterns; each takes a weaver about a month.",
                "cloth",
                "#8a2a5a",
                "Manta",
                certificate=FAIR_PE,
            ),
            "quinoa": Line(
                "quinoa",
                "Andean quinoa, {v}",
                v("white", ("red", 1.15), ("black", 1.25)),
                (12, 18),
                "Quinoa from 3,700 m, washed of its saponin and dried in the sun. Priced per kilo.",
                "sack",
                "#e8e0c0",
                "Quinoa",
                unit="kg",
                produce=True,
            ),
            "potato": Line(
                "vegetables",
                "Native potatoes, {v}",
                v("mixed colours", ("chuño (freeze-dried)", 2.0)),
                (6, 10),
                "Dozens of Andean varieties grown together, as they have been for centuries. Priced per kilo.",
                "sack",
                "#8a5a8a",
                "Potatoes",
                unit="kg",
                produce=True,
            ),
        },
        shops=(
            ShopSpec(
                "Awana Wasi Weavers",
                "Nilda Quispe",
                "Twenty weavers of the Chinchero plain.",
                ("scarf", "manta"),
            ),
            ShopSpec(
                "Chinchero Natural Dyes",
                "Rosa Huamán",
                "Yarn and scarves in the colours of the valley.",
                ("yarn", "scarf"),
            ),
            ShopSpec(
                "Piuray Lake Farm",
                "Julio Mamani",
                "Quinoa and native potatoes from Lake Piuray.",
                ("quinoa", "potato"),
            ),
            ShopSpec(
                "Sacred Valley Textiles",
                "Elena Ccori",
                "Mantas and wall hangings.",
                ("manta", "scarf", "yarn"),
            ),
        ),
    ),
    VillageSpec(
        name="Tarabuco",
        country="BO",
        region="Chuquisaca",
        district="Yamparáez",
        latitude="-19.181000",
        longitude="-64.913000",
        households=1800,
        description=(
            "Known across the Andes for its weavings of mythical creatures and for the Pujllay "
            "festival, Tarabuco sells its textiles and organic quinoa to Bolivians abroad, paid in "
            "dollars and euros and shipped by courier from Sucre."
        ),
        specialities=("Tarabuco weavings", "Quinoa", "Charangos"),
        attractions=(
            "The Sunday market",
            "Pujllay festival in March",
            "The textile museum in Sucre",
        ),
        contact="Felipa Condori",
        currency="BOB",
        palette=("#9ec8ec", "#a07a4a", "#8a2a2a"),
        photos=("Tarabuco on market day",),
        featured=False,
        centres=(
            CentreSpec(
                "Tarabuco market office",
                "Plaza 25 de Mayo, Tarabuco",
                "Sun 7:00-15:00, Wed 9:00-13:00",
                "Wilma Flores",
            ),
        ),
        lines={
            "axsu": Line(
                "woven-cloth",
                "Tarabuco weaving, {v}",
                v("small panel", ("axsu overskirt", 2.6), ("wall hanging", 1.8)),
                (160, 280),
                "Woven on a horizontal loom with the crowded figures of people, horses and mythical beasts that make Tarabuco famous.",
                "cloth",
                "#8a2a2a",
                "Weaving",
            ),
            "poncho": Line(
                "woven-cloth",
                "Llama wool poncho, {v}",
                v("red and black", ("natural brown", 0.9)),
                (480, 780),
                "Warm poncho of hand-spun llama wool.",
                "cloth",
                "#a03a2a",
                "Poncho",
            ),
            "quinoa": Line(
                "quinoa",
                "Organic royal quinoa, {v}",
                v("white", ("red", 1.1), ("tricolour", 1.15)),
                (18, 26),
                "Quinua real from the altiplano, washed and sorted by the village cooperative. Priced per kilo.",
                "sack",
                "#e0d8b0",
                "Quinoa",
                unit="kg",
                produce=True,
                certificate=ORGANIC_BO,
            ),
            "charango": Line(
                "instruments",
                "Charango, {v}",
                v("student", ("concert, carved", 2.2)),
                (650, 1100),
                "Ten-string charango with a carved wooden body, made in a workshop near Tarabuco.",
                "note",
                "#9a5a2a",
                "Charango",
            ),
        },
        shops=(
            ShopSpec(
                "Pujllay Weavers",
                "Felipa Condori",
                "Weavings with the figures of Tarabuco.",
                ("axsu", "poncho"),
            ),
            ShopSpec(
                "Quinua Real Tarabuco",
                "Marcelo Choque",
                "Organic quinoa from the cooperative.",
                ("quinoa",),
            ),
            ShopSpec(
                "Charangos de Yamparáez",
                "Teodoro Mamani",
                "Charangos and ponchos.",
                ("charango", "poncho"),
            ),
        ),
    ),
    VillageSpec(
        name="Dukem",
        country="ET",
        region="Oromia",
        district="near Bishoftu",
        latitude="8.801000",
        longitude="38.902000",
        households=3600,
        description=(
            "On the road between Addis Ababa and the crater lakes of Bishoftu, Dukem's families "
            "roast coffee, grind berbere and raise goats. Ethiopians abroad order gifts here for "
            "their families at home: a coffee ceremony set for a new house, spices for a holiday, "
            "a goat for Enkutatash or Easter, delivered to the door."
        ),
        specialities=(
            "Coffee ceremony sets",
            "Spices (berbere, mitmita)",
            "Honey",
            "Goats and sheep as gifts",
        ),
        attractions=("Lake Hora and the Irreecha festival", "The crater lakes of Bishoftu"),
        contact="Tadesse Gemechu",
        currency="ETB",
        palette=("#a8d0f0", "#b09050", "#2a7a4a"),
        photos=("Coffee ceremony", "Market day in Dukem"),
        featured=False,
        centres=(
            CentreSpec(
                "Dukem gift and pickup centre",
                "Main road, opposite the kebele office, Dukem",
                "Mon-Sat 8:00-18:00",
                "Almaz Bekele",
            ),
        ),
        lines={
            "ceremony": Line(
                "coffee-ceremony",
                "Coffee ceremony set, {v}",
                v("jebena and 6 cups", ("complete, with tray and stove", 2.2), ("gift box", 1.5)),
                (1700, 2600),
                "A black clay jebena, six sini cups and a woven cover: all a family needs to hold the coffee ceremony.",
                "pot",
                "#3a2a2a",
                "Jebena",
            ),
            "jebena": Line(
                "coffee-ceremony",
                "Clay jebena, {v}",
                v("small", ("large", 1.5)),
                (380, 560),
                "Coffee pot of black clay made by potters near Bishoftu.",
                "pot",
                "#2a2a2a",
                "Jebena",
            ),
            "coffee": Line(
                "coffee",
                "Roasted coffee (buna), {v}",
                v("500 g", ("1 kg", 1.9)),
                (480, 680),
                "Sidama and Jimma beans roasted in the village the day before delivery.",
                "cup",
                "#5a3a2a",
                "Buna",
            ),
            "berbere": Line(
                "spice-blends",
                "Berbere spice blend, {v}",
                v("500 g", ("1 kg", 1.9)),
                (260, 380),
                "Chilli, fenugreek, korarima and a dozen spices dried and ground by the women's group.",
                "mound",
                "#c0392b",
                "Berbere",
            ),
            "mitmita": Line(
                "spice-blends",
                "Mitmita, {v}",
                v("250 g", ("500 g", 1.9)),
                (190, 260),
                "Fiery bird's-eye chilli powder with cardamom and salt, for kitfo.",
                "mound",
                "#d0502a",
                "Mitmita",
            ),
            "honey": Line(
                "honey",
                "White forest honey, {v}",
                v("1 kg", ("2 kg", 1.9)),
                (650, 900),
                "Creamy white honey from the forests of Oromia.",
                "jar",
                "#f0e0a0",
                "Honey",
            ),
            "goat": Line(
                "animal-gifts",
                "Live goat as a gift, {v}",
                v("young", ("large, for a holiday", 1.5)),
                (8500, 11500),
                "A healthy goat from a Dukem farmer, delivered to your family in Addis Ababa or Bishoftu with your message.",
                "animal",
                "#a08060",
                "Goat",
            ),
            "sheep": Line(
                "animal-gifts",
                "Live sheep as a gift, {v}",
                v("young", ("large, for a holiday", 1.5)),
                (9500, 13000),
                "A sheep delivered to your family for the holiday, with your message.",
                "animal",
                "#d8d0c0",
                "Sheep",
            ),
            "teff": Line(
                "grains-pulses",
                "Teff flour, {v}",
                v("white (magna)", ("brown", 0.9)),
                (130, 165),
                "Teff from Ada'a, milled for injera. Priced per kilo.",
                "sack",
                "#c8a878",
                "Teff",
                unit="kg",
                produce=True,
            ),
        },
        shops=(
            ShopSpec(
                "Dukem Gift House",
                "Tadesse Gemechu",
                "Gifts for your family at home, delivered with your message.",
                ("goat", "sheep", "ceremony"),
            ),
            ShopSpec(
                "Almaz Spices",
                "Almaz Tadesse",
                "Berbere and mitmita ground by hand.",
                ("berbere", "mitmita", "teff"),
            ),
            ShopSpec(
                "Bishoftu Coffee Ceremony",
                "Hirut Alemu",
                "Jebenas and ceremony sets.",
                ("ceremony", "jebena", "coffee"),
            ),
            ShopSpec(
                "Oromia Honey and Teff",
                "Gemechu Debela",
                "Honey and teff from Ada'a.",
                ("honey", "teff", "coffee"),
            ),
        ),
    ),
    VillageSpec(
        name="Puok",
        country="KH",
        region="Siem Reap",
        district="Puok",
        latitude="13.371000",
        longitude="103.726000",
        households=2100,
        description=(
            "West of Siem Reap, mulberry fields feed the silkworms whose golden thread the "
            "village weavers turn into scarves and sampot, and silversmiths hammer betel boxes in "
            "the shapes of animals. A micro-credit fund lends for thread and silver; the crafts "
            "now sell on the global market."
        ),
        specialities=("Silk weaving", "Silverware", "Palm sugar"),
        attractions=(
            "The silk farm: mulberry, silkworms, looms",
            "Angkor temples, 20 km",
            "Puok market",
        ),
        contact="Sok Chenda",
        currency="KHR",
        palette=("#a0d0f0", "#5a9a3a", "#c09a2a"),
        photos=("Looms under the house", "Mulberry fields"),
        featured=False,
        centres=(
            CentreSpec(
                "Puok craft centre",
                "National Road 6, Puok district, Siem Reap",
                "Mon-Sat 8:00-17:00",
                "Chan Sreymom",
            ),
        ),
        lines={
            "scarf": Line(
                "silk",
                "Golden silk scarf, {v}",
                v("plain", ("ikat (hol)", 1.6), ("long, with tassels", 1.3)),
                (60000, 95000),
                "Cambodian golden silk, reeled and woven in Puok on wooden looms.",
                "cloth",
                "#c09a2a",
                "Silk",
                certificate=FAIR_KH,
            ),
            "krama": Line(
                "silk",
                "Silk krama, {v}",
                v("checked red", ("checked blue", 1.0), ("cotton-silk", 0.7)),
                (40000, 60000),
                "The Khmer checked scarf, woven in silk.",
                "cloth",
                "#b03a3a",
                "Krama",
            ),
            "sampot": Line(
                "silk",
                "Silk sampot cloth, {v}",
                v("2 m", ("3 m, ikat", 1.8)),
                (120000, 180000),
                "Cloth for a sampot, woven with the village's patterns.",
                "cloth",
                "#6a2a8a",
                "Sampot",
            ),
            "box": Line(
                "silverware",
                "Silver betel box, {v}",
                v("turtle", ("elephant", 1.2), ("small, round", 0.6)),
                (240000, 420000),
                "A silver box hammered and chased by hand in the shape of an animal.",
                "bowl",
                "#8a90a0",
                "Silver",
            ),
            "bowl": Line(
                "silverware",
                "Silver offering bowl, {v}",
                v("small", ("large, with lotus", 1.8)),
                (160000, 260000),
                "Repoussé silver bowl for offerings or for the table.",
                "bowl",
                "#a0a4b0",
                "Silver",
            ),
            "sugar": Line(
                "sugar-sweeteners",
                "Palm sugar, {v}",
                v("500 g", ("1 kg", 1.9)),
                (9000, 14000),
                "Sugar boiled from the sap of sugar palms around the village.",
                "jar",
                "#b08050",
                "Palm sugar",
            ),
        },
        shops=(
            ShopSpec(
                "Puok Golden Silk",
                "Sok Chenda",
                "Silk from the mulberry to the loom.",
                ("scarf", "sampot"),
            ),
            ShopSpec(
                "Angkor Silversmiths",
                "Chea Vuthy",
                "Betel boxes and bowls in the old style.",
                ("box", "bowl"),
            ),
            ShopSpec(
                "Krama House",
                "Kim Sophea",
                "Kramas and scarves woven by twelve families.",
                ("krama", "scarf"),
            ),
            ShopSpec(
                "Siem Reap Palm and Silk",
                "Heng Dara",
                "Palm sugar and silk.",
                ("sugar", "krama", "sampot"),
            ),
        ),
    ),
    VillageSpec(
        name="Naya",
        country="IN",
        region="West Bengal",
        district="Pingla, Paschim Medinipur",
        latitude="22.195000",
        longitude="87.620000",
        households=85,
        description=(
            "A village of patuas: painters and singers who unroll long painted scrolls and sing "
            "the story frame by frame. The walls of Naya are painted too. Its artists sell their "
            "scrolls, photographs and recordings of their songs to the world; recorded music and "
            "stories as downloads come next."
        ),
        specialities=(
            "Patachitra scroll paintings",
            "Songs and stories (pater gaan)",
            "Photographs",
        ),
        attractions=(
            "POT Maya festival in November",
            "The painted walls of the village",
            "Scroll singing",
        ),
        contact="Swarna Chitrakar",
        currency="INR",
        palette=("#b8dcf0", "#6a9a3a", "#c0302a"),
        photos=("Painted walls of Naya", "A patua sings a scroll", "The POT Maya festival"),
        featured=False,
        centres=(
            CentreSpec(
                "Naya art centre",
                "Naya village, Pingla block, Paschim Medinipur",
                "Mon-Sun 10:00-17:00",
                "Manoranjan Chitrakar",
            ),
        ),
        lines={
            "scroll": Line(
                "stories",
                "Patachitra scroll, {v}",
                v(
                    "the fish's wedding",
                    ("the tsunami", 1.2),
                    ("Manasa, goddess of snakes", 1.5),
                    ("small, 5 frames", 0.45),
                ),
                (2400, 4800),
                "Painted with natural colours (turmeric, lamp black, indigo, clay) on cotton-backed paper; comes with the song that goes with it, written out.",
                "scroll",
                "#c0503a",
                "Patachitra",
                certificate=GI_PATACHITRA,
            ),
            "framed": Line(
                "crafts",
                "Framed patachitra, {v}",
                v("A4", ("A3", 1.7)),
                (900, 1400),
                "A single patachitra frame, mounted and framed in the village.",
                "scroll",
                "#a04a8a",
                "Painting",
            ),
            "photo": Line(
                "photographs",
                "Photograph print, {v}",
                v("the patuas of Naya", ("POT Maya festival", 1.0), ("painted walls", 1.0)),
                (450, 650),
                "A signed print by a young photographer of Naya, on archival paper, 30 x 40 cm.",
                "house",
                "#3a6a8a",
                "Photo",
            ),
            "songs": Line(
                "music",
                "Songs of the patuas, {v}",
                v("audio CD", ("songbook with CD", 1.8)),
                (250, 350),
                "Pater gaan: songs that go with the scrolls, recorded in the village.",
                "note",
                "#3a5ab0",
                "Songs",
            ),
            "tote": Line(
                "crafts",
                "Hand-painted tote bag, {v}",
                v("fish motif", ("peacock motif", 1.0)),
                (480, 650),
                "Cotton tote painted with patachitra motifs.",
                "cloth",
                "#e0a030",
                "Tote",
            ),
        },
        shops=(
            ShopSpec(
                "Swarna's Scrolls",
                "Swarna Chitrakar",
                "Scrolls painted and sung by Swarna and her daughters.",
                ("scroll", "framed"),
            ),
            ShopSpec(
                "Naya Pictures",
                "Rahim Chitrakar",
                "Photographs and recordings from Naya.",
                ("photo", "songs"),
            ),
            ShopSpec(
                "Pingla Patua Collective",
                "Mamoni Chitrakar",
                "Paintings, totes and songs from twenty families.",
                ("framed", "tote", "songs", "scroll"),
            ),
        ),
    ),
)
