"""Time `leadsmanager pipeline apply intralog --map OLD=NEW ...` on a seeded MariaDB database: every
lead of the default pipeline's stages moved to one of intralog's (spam stays), in one transaction.

    .venv/bin/python bench/seed.py --leads 100000 --fresh --url URL   # before each run: it moves them all
    .venv/bin/python bench/pipeline_map_bench.py --url URL            # set by set, as the command does
    .venv/bin/python bench/pipeline_map_bench.py --url URL --each     # each lead read, moved and saved

`--each` is the path the set-based moves replaced, kept here to measure against.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.tables import leads
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.application.pipeline import ApplyPreset
from leadsmanager.domain.pipeline import StageChange, preset

DEFAULT_URL = "mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench"
AT = datetime(2025, 11, 2, tzinfo=UTC)
MOVES = {
    "new": "esperandoDatos",
    "contacted": "faltaCotizar",
    "qualified": "cotizado",
    "proposal": "avanzando",
    "won": "nuevoCliente",
    "lost": "noAvanzo",
}


class Fixed:
    def now(self) -> datetime:
        return AT


def each(uow: SqlAlchemyUnitOfWork, batch: int) -> None:
    """Applies intralog as `pipeline apply` did before: a batch of ids at a time, each lead saved."""
    chosen, after = preset("intralog"), 0
    with uow as work:
        while ids := work.pipeline.lead_ids_in(sorted(MOVES), after_id=after, limit=batch):
            for lead_id in ids:
                lead = work.leads.get(lead_id)
                if lead is not None:
                    reached = MOVES.get(lead.stage_reached, lead.stage_reached)
                    lead.restage(MOVES[lead.status], pipeline=chosen, reached=reached, at=AT)
                    work.leads.save(lead)
            after = ids[-1]
        work.pipeline.replace(chosen, StageChange(AT, "bench", "apply", "applied preset intralog"))
        work.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("LEADSMANAGER_BENCH_MYSQL_URL", DEFAULT_URL))
    parser.add_argument("--each", action="store_true", help="each lead read and saved (the old path)")
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    factory = make_session_factory(engine)
    with engine.connect() as connection:
        to_move = connection.execute(select(func.count()).where(leads.c.status.in_(list(MOVES)))).scalar_one()
    if not to_move:
        print("no lead to move: seed the database again (bench/seed.py --fresh)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    if args.each:
        each(SqlAlchemyUnitOfWork(factory), 500)
    else:
        ApplyPreset(lambda: SqlAlchemyUnitOfWork(factory), Fixed(), batch=args.batch)(
            "intralog", actor="bench", moves=MOVES
        )
    seconds = time.perf_counter() - started
    path = "each lead saved" if args.each else f"set by set, batches of {args.batch}"
    print(f"{to_move} leads moved ({path}): {seconds:.1f} s, {to_move / seconds:,.0f} leads/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
