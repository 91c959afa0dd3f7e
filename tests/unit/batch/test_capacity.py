"""Capacity, demands and the pool: GPUs by id, never shared; a job too large is named."""

from __future__ import annotations

import pytest

from runner.batch.capacity import Capacity, Demand, Pool, parse_gpus, parse_slots
from runner.errors import UsageError
from runner.spec import load_spec_text


def test_gpus_and_slots_options():
    assert parse_gpus("auto") is None
    assert parse_gpus("none") == ()
    assert parse_gpus("0,2") == (0, 2)
    assert parse_slots("auto") is None and parse_slots("3") == 3
    for bad in ("x", "0,0", "-1"):
        with pytest.raises(UsageError):
            parse_gpus(bad)
    with pytest.raises(UsageError):
        parse_slots("0")


def test_demand_from_the_spec_resources():
    text = ("version: 1\npaper: {title: t}\nrepo: {path: c}\nenvironment: {base: b}\n"
            "resources: {cpus: 2, memory: 1g, gpus: [1, 3]}\nsteps: [{name: s, run: x}]\n")
    demand = Demand.of(load_spec_text(text, "s.yaml"))
    assert demand == Demand(2.0, 1 << 30, 2, (1, 3))
    bare = load_spec_text(text.replace("resources: {cpus: 2, memory: 1g, gpus: [1, 3]}\n", ""),
                          "s.yaml")
    assert Demand.of(bare) == Demand(1.0, 0, 0, None)


def test_pool_hands_out_distinct_gpu_ids_and_takes_them_back():
    pool = Pool(Capacity(8, 64 << 30, (0, 1, 2)))
    one = pool.take(Demand(1, 0, 1))
    two = pool.take(Demand(1, 0, 2))
    assert one == [0] and two == [1, 2]
    assert pool.take(Demand(1, 0, 1)) is None  # all three in use
    pool.give(Demand(1, 0, 2), two)
    assert pool.take(Demand(1, 0, 0, (2,))) == [2]  # named ids: exactly those
    assert pool.take(Demand(1, 0, 0, (0,))) is None  # id 0 is still held


def test_pool_respects_cpus_memory_and_slots():
    pool = Pool(Capacity(4, 8 << 30, (), slots=2))
    assert pool.take(Demand(3, 1 << 30)) == []
    assert pool.take(Demand(2)) is None  # 1 CPU left
    assert pool.take(Demand(1, 8 << 30)) is None  # memory
    assert pool.take(Demand(1)) == []
    assert pool.take(Demand(0.1)) is None  # slots
    pool.give(Demand(1), [])
    assert pool.running == 1 and pool.cpus == pytest.approx(1)


def test_too_large_names_what_it_asks_and_what_the_machine_has():
    machine = Capacity(2, 24 << 30, ())
    assert machine.too_small_for(Demand(2, 1 << 30)) is None
    why = machine.too_small_for(Demand(64, 1 << 40, 2))
    assert why == ("asks for 64 CPUs, 1t memory, 2 GPUs; "
                   "this machine has 2 CPUs, 24g memory, 0 GPUs")
    assert Capacity(4, 1 << 30, (0,)).too_small_for(Demand(1, 0, 1, (3,))) is not None
