"""The command line's flags, with argparse only: building the parser must not import the core,
so `advisor --version` and `--help` start instantly. tests/test_cli.py checks that the choices
here match the core's enums."""

from __future__ import annotations

import argparse

DEPLOYMENTS = ["local", "api", "any", "rented"]
LICENSE_POLICIES = ["permissive", "open-weights", "any"]
PROFILES = ["balanced", "cheapest", "fastest", "quality", "open"]
TASKS = ["coding", "reasoning", "knowledge", "multilingual", "chat", "long_context", "agentic", "vision",
         "translation"]
KV_CACHE_TYPES = ["f16", "q8_0", "q4_0"]


def add_hardware_flags(parser: argparse.ArgumentParser) -> None:
    """The HARDWARE flags shared by `estimate` and `recommend`."""
    g = parser.add_argument_group("hardware")
    g.add_argument("--hardware", metavar="PRESET_ID", help="a preset from 'advisor hardware list'")
    g.add_argument("--gpu-count", type=int, metavar="N", help="number of identical GPUs")
    g.add_argument("--vram-gb", type=float, metavar="X",
                   help="memory of one GPU as printed on the box (GiB: 16 = 17.18 x 10^9 bytes)")
    g.add_argument("--bandwidth-gbs", type=float, metavar="X", help="GPU memory bandwidth in GB/s")
    g.add_argument("--ram-gb", type=float, metavar="X", help="system RAM as sold (GiB)")
    g.add_argument("--ram-bandwidth-gbs", type=float, metavar="X", help="RAM bandwidth in GB/s")
    g.add_argument("--ram-measured-gbs", type=float, metavar="X",
                   help="RAM read bandwidth you measured, GB/s (e.g. STREAM over all cores); used "
                        "instead of an assumed share of the nominal figure")
    g.add_argument("--unified-memory-gb", type=float, metavar="X",
                   help="unified memory as sold, GiB (Apple silicon, AMD Ryzen AI Max)")
    g.add_argument("--cpu-only", action="store_true", help="ignore GPUs; run on CPU and RAM")
    g.add_argument("--detect", action="store_true", help="detect this machine's hardware")


def add_recommend_flags(parser: argparse.ArgumentParser) -> None:
    """Every constraint flag of `advisor recommend`."""
    add_hardware_flags(parser)
    g = parser.add_argument_group("constraints")
    g.add_argument("--deployment", choices=DEPLOYMENTS)
    g.add_argument("--data-must-stay-local", action="store_true", default=None,
                   help="data may not leave your hardware (rules out hosted APIs)")
    g.add_argument("--budget-usd-month", type=float, metavar="X", help="monthly budget in USD")
    g.add_argument("--tokens-month", type=int, metavar="N", help="tokens per month (in + out)")
    g.add_argument("--output-share", type=float, metavar="F",
                   help="share of tokens that are output (0.25 = 3:1 input:output)")
    g.add_argument("--reasoning-overhead", type=float, metavar="F",
                   help="thinking tokens per output token whenever a plan thinks (reasoning models, "
                        "hybrid ones with thinking on)")
    g.add_argument("--cached-input-share", type=float, metavar="F",
                   help="share of input tokens billed at the cached price, 0-1 (default 0)")
    g.add_argument("--batch", action="store_true", default=None,
                   help="use the provider's batch price where it has one (not live)")
    g.add_argument("--language", action="append", default=[], metavar="CODE",
                   help="must-have language (ISO 639-1), repeatable")
    g.add_argument("--nice-language", action="append", default=[], metavar="CODE",
                   help="nice-to-have language, repeatable")
    g.add_argument("--license", choices=LICENSE_POLICIES, help="licence policy")
    g.add_argument("--allow-license", action="append", default=[], metavar="ID")
    g.add_argument("--deny-license", action="append", default=[], metavar="ID")
    g.add_argument("--commercial", action="store_true", default=None,
                   help="the licence must allow commercial use")
    g.add_argument("--task", action="append", default=[], metavar="NAME[=WEIGHT]",
                   help=f"task with optional weight; names: {', '.join(TASKS)}")
    g.add_argument("--min-context", type=int, metavar="N", help="minimum context in tokens")
    g.add_argument("--min-tokens-per-s", type=float, metavar="X",
                   help="slowest acceptable speed (local estimate, or an API's published speed)")
    g.add_argument("--min-usable-tokens-per-s", type=float, metavar="X",
                   help="usability floor: slower plans rank last (default 5 for interactive tasks; "
                        "0 = none)")
    g.add_argument("--exclude-vendor", action="append", default=[], metavar="V")
    g.add_argument("--exclude-country", action="append", default=[], metavar="CC")
    g.add_argument("--require-modality", action="append", default=[],
                   choices=["image", "audio", "video", "pdf"], help="required input modality")
    g.add_argument("--allowed-region", action="append", default=[], metavar="REGION",
                   help="region a hosted API may process data in (US, EU, ...), repeatable")
    g.add_argument("--no-training", action="store_true", default=None,
                   help="hosted providers must not train on your data")
    g.add_argument("--documented-only", action="store_true", default=None,
                   help="exclude offerings whose terms do not state what a rule asks (region, "
                        "training, commercial use) and models with undocumented must-have languages")
    g.add_argument("--profile", choices=PROFILES, help="weight profile")
    s = parser.add_argument_group("serving and cost of ownership")
    s.add_argument("--concurrency", type=int, metavar="N",
                   help="simultaneous users or requests (KV cache for each, aggregate throughput)")
    s.add_argument("--kv-cache", choices=KV_CACHE_TYPES, dest="kv_cache_type",
                   help="KV cache type of local plans (llama.cpp -ctk/-ctv; default f16)")
    s.add_argument("--hours-per-month", type=float, metavar="H",
                   help="hours a month the machine may serve (default 730: around the clock)")
    s.add_argument("--max-machines", type=int, metavar="N",
                   help="most machines of this hardware you would run (default 1)")
    s.add_argument("--electricity-usd-kwh", type=float, metavar="X",
                   help="electricity price (default: U.S. residential average, EIA)")
    s.add_argument("--electricity-region", metavar="CC",
                   help="where the machine runs (DE, GB, EU, US...): that region's sourced average price")
    s.add_argument("--amortize-months", type=int, metavar="N",
                   help="write the hardware's price off over N months (default: off, you own it)")
    s.add_argument("--sensitive-share", type=float, metavar="F",
                   help="share of tokens that must stay on your (or rented) hardware; the rest may "
                        "go to an API (0-1)")
    g.add_argument("--scenario", metavar="FILE", help="start from a saved scenario file")
    g.add_argument("--top", type=int, metavar="N", help="how many ranked models to show")


