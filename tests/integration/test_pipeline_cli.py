"""`leadsmanager pipeline`: listing the stages, applying a preset, and the audit log of it."""

from __future__ import annotations

from tests.integration.conftest import Cli


def test_the_default_pipeline_is_listed_in_order_with_both_languages(cli: Cli) -> None:
    listed = cli("pipeline", "list")
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "new\topen\tnew\tnuevo\tstart",
        "contacted\topen\tcontacted\tcontactado\t",
        "qualified\topen\tqualified\tcalificado\t",
        "proposal\topen\tproposal\tpropuesta\t",
        "won\twon\twon\tganado\t",
        "lost\tlost\tlost\tperdido\t",
        "spam\tspam\tspam\tspam\t",
    ]


def test_a_preset_is_refused_while_leads_hold_stages_it_lacks(cli: Cli) -> None:
    for n in range(3):
        assert cli("leads", "add", "--name", f"P {n}", "--email", f"p{n}@example.com").exit_code == 0
    refused = cli("pipeline", "apply", "intralog")
    assert refused.exit_code == 6
    assert "leads are in stages the intralog pipeline lacks: new (3 leads); say where they go" in refused.output
    assert cli("pipeline", "list").output.startswith("new\topen")


def test_applying_a_preset_is_logged_as_the_cli(cli: Cli) -> None:
    applied = cli("pipeline", "apply", "default")
    assert applied.output == "the pipeline is now default: new, contacted, qualified, proposal, won, lost, spam\n"
    log = cli("pipeline", "list").output.splitlines()[-1]
    assert log.startswith("# ") and " UTC cli: applied preset default: new (open), contacted (open)" in log


def test_an_unknown_preset_is_named_with_the_choices(cli: Cli) -> None:
    refused = cli("pipeline", "apply", "odoo")
    assert refused.exit_code != 0 and "'default', 'intralog'" in refused.output


def test_intralog_applies_and_its_leads_are_reported_by_its_stages(cli: Cli) -> None:
    assert cli("leads", "add", "--name", "P 1", "--email", "p1@example.com").exit_code == 0
    applied = cli("pipeline", "apply", "intralog", "--map", "new=esperandoDatos")
    assert applied.exit_code == 0, applied.output
    assert cli("pipeline", "list").output.startswith("esperandoDatos\topen")
    assert cli("db", "recount-reports").exit_code == 0
    statuses = cli("report", "--csv", "statuses")
    assert statuses.exit_code == 0, statuses.output
    assert "esperandoDatos,1" in statuses.output and "negativo,0" in statuses.output


def test_a_move_is_old_equals_new_from_a_stage_the_preset_lacks(cli: Cli) -> None:
    malformed = cli("pipeline", "apply", "default", "--map", "pendiente")
    assert malformed.exit_code == 2 and "'pendiente' is not OLD=NEW" in malformed.output
    kept = cli("pipeline", "apply", "default", "--map", "new=contacted")
    assert kept.exit_code != 0 and "new is a stage of the default pipeline: its leads keep it" in kept.output
    assert "applied" not in cli("pipeline", "list").output
