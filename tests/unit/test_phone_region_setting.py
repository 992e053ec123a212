"""LEADSMANAGER_PHONE_REGION: how a phone written without its country code is read. Unset, it follows the
country of LEADSMANAGER_TIME_ZONE, so a team in Buenos Aires types its local numbers as it always has."""

from __future__ import annotations

import pytest

from leadsmanager.application.intake.normalisation import normalise_phone
from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.bootstrap.settings import Settings


def region(**environ: str) -> str:
    return Settings.from_env({f"LEADSMANAGER_{k}": v for k, v in environ.items()}, env_file=None).phone_region


def test_unset_it_is_the_time_zones_country() -> None:
    chosen = region(TIME_ZONE="America/Argentina/Buenos_Aires")
    assert chosen == "AR"
    assert normalise_phone("011 15 4567-8901", region=chosen) == "+5491145678901"
    assert region(TIME_ZONE="Europe/Madrid") == "ES"


@pytest.mark.parametrize("zone", ["UTC", "Etc/GMT+3"])
def test_a_zone_of_no_country_leaves_it_us(zone: str) -> None:
    assert region(TIME_ZONE=zone) == "US"
    assert region() == "US"


def test_a_region_given_wins_over_the_zone_whatever_its_case() -> None:
    assert region(TIME_ZONE="America/Argentina/Buenos_Aires", PHONE_REGION="uy") == "UY"


def test_an_unknown_region_is_refused_by_name_rather_than_refusing_every_local_number() -> None:
    with pytest.raises(ValidationError, match="LEADSMANAGER_PHONE_REGION: 'Argentina'"):
        region(PHONE_REGION="Argentina")
