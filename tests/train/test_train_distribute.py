"""Specification of tf.distribute support: a MirroredStrategy over two logical CPU devices trains."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

# Logical devices can only be configured before TensorFlow initialises, hence a fresh process.
MIRRORED_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from cifar_lab.models import build_model
    from cifar_lab.train import train_model
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (64, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 64)
    model = build_model("fast_cnn", seed=0, strategy=strategy)
    before = model.get_weights()[0].copy()
    result = train_model(model, x, y, epochs=2, batch_size=32, verbose="silent")
    print(json.dumps({
        "replicas": model.distribute_strategy.num_replicas_in_sync,
        "loss": result.history["loss"],
        "changed": bool(np.any(model.get_weights()[0] != before)),
    }))
""")


@pytest.mark.slow
def test_mirrored_strategy_over_two_logical_cpus_trains_the_model():
    done = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert report["changed"]
    assert len(report["loss"]) == 2 and all(0 < loss < 100 for loss in report["loss"])
