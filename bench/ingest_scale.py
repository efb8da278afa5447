"""Flat-cost benchmark: 5,000 on-topic articles about ONE story through the real pipeline.

The articles (a dock strike that drags on: changing counts, negotiators, ports, quotes) are ingested
in 5 batches of 1,000 into one SQLite store: annotation in the process pool, filing, update finding
against the story's fact index. Prints articles/s per batch and overall, and the last batch's cost
per article divided by the first's (targets on 2 cores: >= 20 articles/s, ratio <= 1.5).

usage: python -m bench.ingest_scale [ARTICLES [BATCHES]]   (default 5000 5)
"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from bot.domain import RawArticle, Story
from bot.ingest.pipeline import Pipeline
from bot.store import open_store
from bot.understand.filing import StoryTracker
from bot.understand.language.annotate import annotate_batch_json, close_pool
from bot.understand.updates import find_updates

STORY = Story(id="dock-strike", title="Dock strike", terms=("strike*", "dock*", "port", "ports", "union"),
              entities={"International Dockworkers Union": ("IDU",)})

FIRST = ["Maria", "James", "Aisha", "Tomas", "Li", "Kwame", "Sofia", "Rahul", "Elena", "David", "Fatima",
         "Oscar", "Hannah", "Yusuf", "Grace", "Pedro", "Ingrid", "Samuel", "Mei", "Viktor"]
LAST = ["Alvarez", "Okafor", "Lindqvist", "Chen", "Haddad", "Novak", "Brennan", "Sato", "Mensah", "Kowalski",
        "Ferreira", "Dubois", "Rahman", "Petrov", "Osei", "Moreau", "Nakamura", "Castillo", "Weber", "Singh"]
PORTS = ["Rotterdam", "Antwerp", "Hamburg", "Felixstowe", "Le Havre", "Valencia", "Gdansk", "Genoa",
         "Piraeus", "Bremerhaven", "Algeciras", "Southampton", "Marseille", "Trieste", "Aarhus"]
ROLES = ["union leader", "port director", "transport minister", "mediator", "shipping analyst",
         "company spokesperson", "labour economist", "harbour master"]
FIRMS = ["Maersk", "Hapag-Lloyd", "MSC", "CMA CGM", "Evergreen", "COSCO"]
CARGO = ["containers", "vessels", "trucks", "ships", "cranes"]
QUOTES = ["We will not go back to work until the offer matches the cost of living",
          "The talks were constructive but there is still a gap between the two sides",
          "Every day of this strike costs the economy millions",
          "Our members are ready to stay out for as long as it takes",
          "We have made a fair offer and it is now up to the union",
          "Supply chains across the continent are starting to feel the pressure",
          "Nobody wants this dispute to drag on into the holiday season",
          "The government stands ready to help both sides reach an agreement"]
TEMPLATES = [
    "{n1} dockworkers walked off the job at the port of {port} on {day}, the {union} said.",
    "About {n2} {cargo} were stuck outside {port} by {day}, according to port officials.",
    "The {union} is demanding a pay rise of {pct} percent over {years} years.",
    "Employers raised their offer to {pct2} percent, {person}, a {role}, told reporters in {port}.",
    "\"{quote},\" said {person}, a {role}.",
    "{person}, the {role}, said talks with {firm} would resume in {port} on {day}.",
    "The strike has now lasted {days} days and has cost an estimated {money} million euros.",
    "{firm} said it had diverted {n3} {cargo} from {port} to {port2}.",
    "Police said {n4} people were detained after protesters blocked the gates in {port2}.",
    "Mediators led by {person} were expected to meet both sides in {port2} next week.",
    "Queues of up to {n5} trucks formed on the approach roads to {port}.",
    "The {union} said {n6} percent of its members had voted to extend the strike.",
    "Shipping rates between Asia and northern Europe rose {pct3} percent this week, analysts said.",
    "{person} of {firm} warned that shortages of {goods} could appear within {days2} days.",
    "Workers at {port2} joined the dock strike on {day}, bringing the number of ports affected to {ports}.",
    "The transport ministry said it would hold emergency talks with {firm} and the union in {port}.",
    "Negotiators from the {union} and employers met for {hours} hours in {port} without a deal.",
    "Retailers said {n7} containers of {goods} were waiting to be unloaded.",
    "Farmers in the region complained that {goods} exports had stalled since {day}.",
    "A court in {port} ruled on {day} that the walkout was lawful, rejecting an injunction sought by {firm}.",
    "Opposition lawmakers accused the government of standing aside while the dispute spread to {ports} harbours.",
    "Freight forwarders reported that insurance premiums for cargo held at {port} had doubled.",
    "In {port2}, volunteers handed out food to picketing families outside the terminal gates.",
    "The central bank said a prolonged stoppage could shave {pct3} basis points off quarterly growth.",
    "{person}, who has worked the cranes at {port} for {years} decades, said morale remained high.",
    "Car makers said assembly lines near {port2} might halt if parts did not arrive by {day}.",
    "Tourism officials in {port} said cruise liners had cancelled {n3} scheduled calls.",
    "Rail operators added {n4} extra freight trains to move goods inland from {port2}.",
    "Environmental groups warned that idling vessels off {port} were burning fuel and polluting the bay.",
    "The last comparable dispute, in 1998, lasted {days2} weeks and ended with binding arbitration.",
    "Airlines reported a surge in air-freight bookings for {goods}, with prices up {pct3} percent.",
    "Hospital pharmacists said stocks of imported {goods} would last about {days2} days.",
    "Striking workers marched through the old town of {port2} carrying banners and flares.",
    "{firm} shares fell {pct} percent in {port} trading after the company cut its forecast.",
    "Ferry services to the islands were suspended after tug crews joined the action in {port}.",
    "Customs staff in {port2} said they would not handle diverted cargo in solidarity with the strikers.",
    "Economists at a {port} university estimated weekly losses at {money} million euros.",
    "Supermarkets began rationing {goods} in several cities, blaming the blockade at {port}.",
    "A poll published on {day} found {n6} percent of voters backed the dockworkers' demands.",
    "The European Commission said it was monitoring the situation in {port} and {port2} closely.",
]
GOODS = ["fruit", "medicines", "car parts", "electronics", "grain", "clothing", "fuel", "coffee"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _fill(template: str, rng: random.Random, i: int) -> str:
    ports = rng.sample(PORTS, 2)
    return template.format(
        n1=rng.randint(200, 9000), n2=rng.randint(20, 400), n3=rng.randint(5, 90), n4=rng.randint(2, 60),
        n5=rng.randint(50, 3000), n6=rng.randint(55, 97), n7=rng.randint(100, 20000), pct=rng.randint(5, 15),
        pct2=rng.randint(3, 9), pct3=rng.randint(2, 40), years=rng.randint(2, 4), days=1 + i // 40,
        days2=rng.randint(3, 21), hours=rng.randint(3, 20), ports=rng.randint(2, 15), money=rng.randint(10, 900),
        port=ports[0], port2=ports[1], day=rng.choice(DAYS), union="International Dockworkers Union",
        cargo=rng.choice(CARGO), person=f"{rng.choice(FIRST)} {rng.choice(LAST)}", role=rng.choice(ROLES),
        firm=rng.choice(FIRMS), quote=rng.choice(QUOTES), goods=rng.choice(GOODS))


def generate(count: int, seed: int = 11) -> Iterator[RawArticle]:
    """`count` distinct articles about the dock strike, one every 2 hours from 2025-03-01."""
    rng = random.Random(seed)
    start = datetime(2025, 3, 1, tzinfo=UTC)
    for i in range(count):
        body = "\n".join(_fill(t, rng, i) for t in rng.sample(TEMPLATES, rng.randint(8, 12)))
        port = rng.choice(PORTS)
        yield RawArticle(url=f"https://wire.example/strike/{i}", title=f"Dock strike: latest from {port} ({i})",
                         text=body, source=rng.choice(["wire.example", "daily.example", "port-news.example"]),
                         published=start + timedelta(hours=2 * i), origin=f"bench-{i}")


def main() -> None:
    """Ingest the batches and print the figures."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    articles = list(generate(count))
    size = count // batches
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/scale.db")
        store.sync_config_stories([STORY])
        pipeline = Pipeline(store, [STORY], StoryTracker, find_updates, annotate_batch_json)
        per_article: list[float] = []
        main_cpu_ms: list[float] = []  # this process: store, filing, update finding (not the parse workers)
        total_s = 0.0
        found = 0
        for b in range(batches):
            batch = articles[b * size:(b + 1) * size]
            started, cpu_started = time.perf_counter(), time.process_time()
            report = pipeline.ingest(batch)
            took = time.perf_counter() - started
            main_cpu_ms.append((time.process_time() - cpu_started) / len(batch) * 1000)
            total_s += took
            found += len(report.updates)
            per_article.append(took / len(batch))
            print(f"batch {b + 1}: {len(batch)} articles in {took:6.1f} s = {len(batch) / took:5.1f} articles/s "
                  f"main-process CPU {main_cpu_ms[-1]:.0f} ms/article ({report.summary()})", flush=True)
        close_pool()  # the workers end here, so their CPU time is counted below
        main_cpu = resource.getrusage(resource.RUSAGE_SELF)
        workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = main_cpu.ru_utime + main_cpu.ru_stime + workers_cpu.ru_utime + workers_cpu.ru_stime
        print(f"overall: {count} articles in {total_s:.1f} s = {count / total_s:.1f} articles/s; {found} updates")
        print(f"CPU: {cpu:.0f} s in all ({cpu / count * 1000:.0f} ms per article, annotation workers "
              f"{workers_cpu.ru_utime + workers_cpu.ru_stime:.0f} s); load average at the end "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine slows the wall clock)")
        print(f"cost per article, last batch / first: {per_article[-1] / per_article[0]:.2f} (wall clock), "
              f"{main_cpu_ms[-1] / main_cpu_ms[0]:.2f} (main-process CPU)")
        store.close()


if __name__ == "__main__":
    main()
