"""The fixed set of benchmarks the catalog records, and the task each one is evidence for.

Quality must be comparable across models, so evidence is limited to a small set of widely reported
benchmarks per task family. Scores are on each benchmark's own scale; `max_score` says what a perfect
result is (100 for percentages). Arena ratings are Elo-like and have no maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Task(StrEnum):
    """Task families a user weighs; each maps to benchmarks below."""

    CODING = "coding"
    REASONING = "reasoning"
    KNOWLEDGE = "knowledge"
    MULTILINGUAL = "multilingual"
    CHAT = "chat"
    LONG_CONTEXT = "long_context"
    AGENTIC = "agentic"
    VISION = "vision"
    TRANSLATION = "translation"


@dataclass(frozen=True)
class Benchmark:
    """A benchmark the catalog accepts as task evidence."""

    name: str
    task: Task
    max_score: float | None
    description: str


BENCHMARKS: dict[str, Benchmark] = {
    b.name: b
    for b in (
        Benchmark("SWE-bench Verified", Task.CODING, 100, "Real GitHub issues resolved (%)."),
        Benchmark("LiveCodeBench", Task.CODING, 100, "Fresh competitive-programming pass@1 (%)."),
        Benchmark("Aider Polyglot", Task.CODING, 100, "Multi-language code edits correct (%)."),
        Benchmark("HumanEval", Task.CODING, 100, "Python function synthesis pass@1 (%)."),
        Benchmark("MBPP", Task.CODING, 100, "Basic Python problems pass@1 (%)."),
        Benchmark("SWE-bench Pro", Task.CODING, 100, "Harder, contamination-resistant SWE tasks (%)."),
        Benchmark("SciCode", Task.CODING, 100, "Scientific research coding problems (%)."),
        Benchmark("Artificial Analysis Coding Index", Task.CODING, 100,
                  "Artificial Analysis composite of coding evaluations (index)."),
        Benchmark("GPQA Diamond", Task.REASONING, 100, "Graduate-level science QA accuracy (%)."),
        Benchmark("AIME 2025", Task.REASONING, 100, "2025 AIME maths problems solved (%)."),
        Benchmark("AIME 2024", Task.REASONING, 100, "2024 AIME maths problems solved (%)."),
        Benchmark("MATH", Task.REASONING, 100, "Competition maths accuracy (%), incl. MATH-500."),
        Benchmark("GSM8K", Task.REASONING, 100, "Grade-school maths word problems (%)."),
        Benchmark("Humanity's Last Exam", Task.REASONING, 100, "Frontier expert questions (%)."),
        Benchmark("MMLU-Pro", Task.KNOWLEDGE, 100, "Harder 10-choice MMLU accuracy (%)."),
        Benchmark("MMLU", Task.KNOWLEDGE, 100, "57-subject knowledge accuracy (%)."),
        Benchmark("SimpleQA", Task.KNOWLEDGE, 100, "Short factual questions correct (%)."),
        Benchmark("MMMLU", Task.MULTILINGUAL, 100, "MMLU translated into 14 languages (%)."),
        Benchmark("MGSM", Task.MULTILINGUAL, 100, "GSM8K in 10 languages (%)."),
        Benchmark("WMT24++", Task.TRANSLATION, 100,
                  "Machine translation from English into 55 languages (ChrF; other metrics are their own "
                  "entries, for a score is only comparable within one metric)."),
        Benchmark("WMT24++ XCOMET-XXL", Task.TRANSLATION, 100,
                  "English-to-XX translation on WMT24++ (the WMT25 development set) scored by the "
                  "XCOMET-XXL neural metric (0-1, recorded x100)."),
        Benchmark("WMT24++ XCOMET-XL", Task.TRANSLATION, 100,
                  "English-to-XX translation on WMT24++ (the WMT25 development set) scored by the "
                  "XCOMET-XL neural metric (0-1, recorded x100)."),
        Benchmark("FLORES-200", Task.TRANSLATION, 100,
                  "Machine translation across 200 languages (ChrF++ or the metric stated)."),
        Benchmark("IFEval", Task.CHAT, 100, "Instruction-following strict accuracy (%)."),
        Benchmark("Arena-Hard", Task.CHAT, 100, "Win rate against a baseline on hard prompts (%)."),
        Benchmark("LMArena Text", Task.CHAT, None, "Crowd-sourced pairwise preference (Elo)."),
        Benchmark("RULER", Task.LONG_CONTEXT, 100, "Long-context retrieval and tracing (%)."),
        Benchmark("LongBench v2", Task.LONG_CONTEXT, 100, "Long-document QA accuracy (%)."),
        Benchmark("MRCR", Task.LONG_CONTEXT, 100, "Multi-round co-reference over long context (%)."),
        Benchmark("BFCL", Task.AGENTIC, 100, "Berkeley function-calling accuracy (%)."),
        Benchmark("tau2-bench", Task.AGENTIC, 100, "Tool-using customer-service agent success (%)."),
        Benchmark("Terminal-Bench", Task.AGENTIC, 100, "Tasks completed in a terminal (%)."),
        Benchmark("MMMU", Task.VISION, 100, "College-level multimodal questions (%)."),
    )
}
