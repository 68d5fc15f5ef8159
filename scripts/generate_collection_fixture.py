#!/usr/bin/env python3
"""What tf.compat.v1's collections return for scoped queries (scope is a regular expression
matched at the start of each item's name). Writes Tests/TensorScopeTests/Fixtures/collections.json:
{query: [names]}; CollectionTests builds the same variables and asks the same queries.

    pip install tensorflow-cpu
    python3 scripts/generate_collection_fixture.py
"""
import json
import os

import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TensorScopeTests", "Fixtures",
                   "collections.json")


def main():
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        for scope, names in (("conv1", ["weights", "biases"]), ("conv10", ["w"]), ("fc", ["w"])):
            with v1.variable_scope(scope):
                for name in names:
                    v1.get_variable(name, [2], initializer=v1.zeros_initializer())
        with v1.variable_scope("stats"):
            v1.get_variable("count", [1], initializer=v1.zeros_initializer(), trainable=False)
        queries = {
            "trainable": v1.trainable_variables(),
            "trainable conv1": v1.trainable_variables(scope="conv1"),
            "trainable conv1/": v1.trainable_variables(scope="conv1/"),
            "trainable conv1.*w": v1.trainable_variables(scope="conv1.*w"),
            "trainable stats": v1.trainable_variables(scope="stats"),
            "global": v1.global_variables(),
            "global stats": v1.global_variables(scope="stats"),
            "collection trainable_variables fc": v1.get_collection(v1.GraphKeys.TRAINABLE_VARIABLES, scope="fc"),
        }
        result = {key: [v.name for v in value] for key, value in queries.items()}
        result["keys"] = {key: getattr(v1.GraphKeys, key) for key in
                          ("GLOBAL_VARIABLES", "TRAINABLE_VARIABLES", "LOCAL_VARIABLES", "UPDATE_OPS", "LOSSES",
                           "REGULARIZATION_LOSSES", "SUMMARIES")}
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    print(result)


if __name__ == "__main__":
    main()
