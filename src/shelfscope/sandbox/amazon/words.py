"""Invented brand names and product nouns the generated catalogue is made of.

Every name is made up, so no page the sandbox serves can be mistaken for a real listing.
"""

from __future__ import annotations

__all__ = ["AMAZON_BRANDS", "BRANDS", "CATEGORIES", "CATEGORY_NOUNS", "CATEGORY_PRICES", "RELATED_WORDS"]

BRANDS: tuple[str, ...] = (
    "Aldervale", "Brightwick", "Cobaltline", "Dunmore", "Elmsford", "Fernhollow", "Glenbrook", "Harrowgate",
    "Ironleaf", "Junipero", "Kingsreach", "Larkfield", "Meadowlark", "Northcrest", "Oakhaven", "Pinecroft",
    "Quillstone", "Riverbend", "Stonebridge", "Thornbury", "Umbrafield", "Valecrest", "Westmarch", "Yarrowby",
    "Zephyra", "Ashgrove", "Bramblewood", "Copperfox", "Driftwell", "Emberly", "Foxglen", "Greyhollow",
    "Hollowmere", "Islewood", "Jasperline", "Kestrelle", "Lumenic", "Mirabelle", "Nordvik", "Orchardia",
    "Pebblebay", "Quartzio", "Rosewick", "Solvane", "Tidewater", "Urbanique", "Vireo", "Willowtree",
)  # fmt: skip
"""Third-party brands; a keyword's results cluster on a few of them, as real shelves do."""

AMAZON_BRANDS: tuple[str, ...] = ("Amazon Basics", "Amazon Essentials")
"""Amazon's own brands: their ads say "Featured from Amazon brands" instead of "Sponsored"."""

CATEGORIES: tuple[str, ...] = ("home", "kitchen", "sports", "beauty", "electronics", "toys", "office", "pet")

CATEGORY_NOUNS: dict[str, tuple[str, ...]] = {
    "home": ("Storage Basket", "Throw Blanket", "Wall Clock", "Scented Candle", "Picture Frame"),
    "kitchen": ("Chef Knife", "Mixing Bowl Set", "Coffee Grinder", "Spice Rack", "Food Container Set"),
    "sports": ("Foam Roller", "Jump Rope", "Gym Bag", "Dumbbell Set", "Cycling Gloves"),
    "beauty": ("Hair Brush", "Face Serum", "Nail Kit", "Makeup Bag", "Body Lotion"),
    "electronics": ("USB C Cable", "Wireless Charger", "Bluetooth Speaker", "Power Bank", "Phone Stand"),
    "toys": ("Building Blocks", "Puzzle Set", "Plush Toy", "Card Game", "Craft Kit"),
    "office": ("Notebook", "Desk Organizer", "Gel Pen Set", "Stapler", "Label Maker"),
    "pet": ("Dog Leash", "Cat Toy", "Pet Bed", "Grooming Brush", "Water Fountain"),
}
"""What an item with no keyword context (a bare ``/dp/ASIN``) is called, per category."""

CATEGORY_PRICES: dict[str, tuple[float, float]] = {
    "home": (9.0, 80.0),
    "kitchen": (8.0, 120.0),
    "sports": (7.0, 150.0),
    "beauty": (5.0, 45.0),
    "electronics": (8.0, 200.0),
    "toys": (6.0, 70.0),
    "office": (4.0, 60.0),
    "pet": (6.0, 90.0),
}
"""USD price range per category; other currencies follow by exchange rate."""

RELATED_WORDS: tuple[str, ...] = (
    "set", "large", "small", "for kids", "for women", "for men", "pack", "premium", "travel", "heavy duty",
)  # fmt: skip
"""Suffixes of the "Related searches" block."""
