"""The scope programs of the conformance suite: a tiny statement language that
scripts/generate_scope_conformance.py runs in TensorFlow and the Swift tests run through
TensorScope's public API.

Statements (JSON arrays):
  ["vs", name, opts, body]       variable_scope(name, **opts) as scope; opts may hold
                                 reuse ("true"|"false"|"auto"), initializer (see below),
                                 default_name, and "as": a label to capture the scope object.
                                 name may be null (then default_name is used).
  ["vso", label, opts, body]     variable_scope(captured_scope, **opts)
  ["ns", name, body]             name_scope(name)
  ["default_graph", body]        with the current graph's as_default(): (re-entered)
  ["get", name, shape, opts]     get_variable; opts: initializer, trainable; shape may be null
  ["var", name, shape, opts]     tf.Variable(np.zeros(shape) or a fill, name=name); opts: trainable
  ["op", kind]                   conv | add | relu | bias_add on fixed inputs
  ["reuse_vars", label]          captured_scope.reuse_variables() (label "current": the current scope)
  ["scope_now"]                  log the current variable scope's name and reuse
  ["ns_now"]                     log the current name scope
  ["values", full_name]          log the values of a variable made by get_variable
  ["layer", kind, opts]          a tf.compat.v1.layers layer (conv2d, dense, max_pool, avg_pool,
                                 bn, flatten, dropout) on the previous layer's output (at first,
                                 and with opts "from_images", a [2, 6, 6, 3] input); opts: name,
                                 filters, kernel, strides, padding, relu, use_bias, units, size,
                                 stride, rate. Logs each op of the layer's computation.
Initializers: "zeros", "ones", "const:V", "list:A,B,...", "normal", "truncated", "glorot".
"""

X = ["op", "conv"]


def conv_relu():
    return [["get", "weights", [3, 3, 2, 2], {"initializer": "normal"}],
            ["get", "biases", [2], {"initializer": "zeros"}],
            ["op", "conv"], ["op", "add"], ["op", "relu"]]


def small_cnn():
    return [["layer", "conv2d", {"filters": 4, "kernel": 3, "from_images": True}],
            ["layer", "conv2d", {"filters": 4, "kernel": [3, 3], "padding": "same", "relu": True}],
            ["layer", "conv2d", {"filters": 5, "kernel": 1, "name": "c"}],
            ["layer", "bn", {}], ["layer", "max_pool", {"size": 2, "stride": 2}],
            ["layer", "flatten", {}], ["layer", "dense", {"units": 6, "relu": True}], ["layer", "dropout", {}],
            ["layer", "dense", {"units": 3, "use_bias": False}]]


def image_filter():
    return [["vs", "conv1", {}, conv_relu()], ["vs", "conv2", {}, conv_relu()]]


PROGRAMS = {
    # --- the seed program -------------------------------------------------------------
    "seed_twice_without_reuse": image_filter() + image_filter(),
    "seed_method1_reuse_true": [["vs", "image_filters", {}, image_filter()],
                                ["vs", "image_filters", {"reuse": "true"}, image_filter()]],
    "seed_method2_reuse_variables": [["vs", "image_filters", {"as": "s"},
                                      image_filter() + [["reuse_vars", "s"]] + image_filter()]],
    "seed_method3_reenter_object": [["vs", "image_filters", {"as": "s"}, image_filter()],
                                    ["vso", "s", {"reuse": "true"}, image_filter()]],
    "seed_auto_reuse_twice": [["vs", "image_filters", {"reuse": "auto"}, image_filter()],
                              ["vs", "image_filters", {"reuse": "auto"}, image_filter()]],

    # --- reuse ----------------------------------------------------------------------------
    "create_twice_at_root": [["get", "w", [2], {}], ["get", "w", [2], {}]],
    "reuse_true_missing": [["vs", "nope", {"reuse": "true"}, [["get", "w", [1], {}]]]],
    "reuse_true_existing_same_object": [["vs", "a", {}, [["get", "w", [2], {}]]],
                                        ["vs", "a", {"reuse": "true"}, [["get", "w", [2], {}]]]],
    "auto_reuse_creates_then_returns": [["vs", "a", {"reuse": "auto"}, [["get", "w", [2], {}], ["get", "w", [2], {}]]]],
    "reuse_inherited_by_nested_scope": [["vs", "a", {}, [["vs", "b", {}, [["get", "w", [1], {}]]]]],
                                        ["vs", "a", {"reuse": "true"}, [["vs", "b", {}, [["get", "w", [1], {}], ["scope_now"]]]]]],
    "reuse_false_inside_true_stays_true": [["vs", "a", {"reuse": "true"}, [["vs", "b", {"reuse": "false"}, [["scope_now"], ["get", "w", [1], {}]]]]]],
    "auto_inside_true_is_auto": [["vs", "a", {"reuse": "true"}, [["vs", "b", {"reuse": "auto"}, [["scope_now"], ["get", "w", [1], {}], ["get", "w", [1], {}]]]]]],
    "true_inside_auto_is_true": [["vs", "a", {"reuse": "auto"}, [["vs", "b", {"reuse": "true"}, [["scope_now"], ["get", "w", [1], {}]]]]]],
    "auto_inside_auto_nested_create": [["vs", "a", {"reuse": "auto"}, [["vs", "b", {}, [["scope_now"], ["get", "w", [1], {}], ["get", "w", [1], {}]]]]]],
    "root_scope_starts_without_reuse": [["scope_now"], ["get", "w", [1], {}], ["get", "w", [1], {}]],
    "reuse_variables_affects_later_nested": [["vs", "a", {"as": "s"}, [["vs", "b", {}, [["get", "w", [1], {}]]],
                                                                        ["reuse_vars", "s"], ["scope_now"],
                                                                        ["vs", "b", {}, [["scope_now"], ["get", "w", [1], {}]]]]]],
    "reuse_variables_then_reenter_by_string": [["vs", "a", {"as": "s"}, [["get", "w", [1], {}], ["reuse_vars", "s"], ["get", "w", [1], {}]]],
                                               ["vs", "a", {}, [["scope_now"], ["get", "w", [1], {}]]]],
    "reuse_variables_then_reenter_by_object": [["vs", "a", {"as": "s"}, [["get", "w", [1], {}], ["reuse_vars", "s"]]],
                                               ["vso", "s", {}, [["scope_now"], ["get", "w", [1], {}]]]],
    "reenter_object_reuse_false_keeps_object_reuse": [["vs", "a", {"as": "s", "reuse": "true"}, [["scope_now"]]],
                                                      ["vso", "s", {"reuse": "false"}, [["scope_now"], ["get", "v", [1], {}]]]],
    "reenter_object_ignores_enclosing_reuse": [["vs", "a", {"as": "s"}, [["get", "w", [1], {}]]],
                                               ["vs", "outer", {"reuse": "true"}, [["vso", "s", {}, [["scope_now"], ["get", "w2", [1], {}]]]]]],
    "reenter_object_with_auto": [["vs", "a", {"as": "s"}, [["get", "w", [1], {}]]],
                                 ["vso", "s", {"reuse": "auto"}, [["get", "w", [1], {}], ["get", "x", [1], {}]]]],
    "shape_mismatch_on_reuse": [["vs", "vs", {}, [["get", "e", [1], {}]]],
                                ["vs", "vs", {"reuse": "true"}, [["get", "e", [2], {}]]]],
    "shape_mismatch_on_auto_reuse": [["vs", "vs", {"reuse": "auto"}, [["get", "e", [2, 3], {}], ["get", "e", [3, 2], {}]]]],
    "reuse_without_shape_returns_existing": [["vs", "a", {}, [["get", "w", [2, 2], {}]]],
                                             ["vs", "a", {"reuse": "true"}, [["get", "w", None, {}]]]],
    "no_shape_no_initializer": [["get", "w", None, {}]],
    "no_shape_no_initializer_nested": [["vs", "deep", {}, [["vs", "er", {}, [["get", "v", None, {}]]]]]],
    "root_reuse_variables": [["get", "w", [1], {}], ["reuse_vars", "current"], ["scope_now"], ["get", "w", [1], {}], ["get", "z", [1], {}]],
    "failed_get_creates_nothing": [["vs", "a", {"reuse": "true"}, [["get", "w", [1], {}]]],
                                   ["vs", "a", {}, [["get", "w", [1], {}]]]],
    "failed_shape_share_keeps_first": [["vs", "a", {"reuse": "auto"}, [["get", "w", [1], {}], ["get", "w", [4], {}], ["get", "w", [1], {}]]]],
    "reuse_true_at_second_level_only": [["vs", "a", {}, [["vs", "b", {}, [["get", "w", [1], {}]]],
                                                         ["vs", "b", {"reuse": "true"}, [["get", "w", [1], {}]]],
                                                         ["get", "w", [1], {}]]]],
    "reuse_initializer_ignored_on_share": [["vs", "a", {}, [["get", "w", [3], {"initializer": "ones"}]]],
                                           ["vs", "a", {"reuse": "true"}, [["get", "w", [3], {"initializer": "zeros"}], ["values", "a/w"]]]],

    # --- naming -----------------------------------------------------------------------------
    "name_scope_nesting": [["ns", "a", [["ns", "b", [["ns_now"], ["op", "relu"]]]]]],
    "name_scope_reentry_gets_suffix": [["ns", "a", [["op", "relu"]]], ["ns", "a", [["ns_now"], ["op", "relu"]]], ["ns", "a", [["ns_now"]]]],
    "name_scope_trailing_slash_reenters": [["ns", "a", [["op", "relu"]]], ["ns", "a/", [["ns_now"], ["op", "relu"]]]],
    "name_scope_absolute_from_inside": [["ns", "x", [["ns", "y", []]]], ["ns", "q", [["ns", "x/y/", [["ns_now"], ["op", "relu"]]]]]],
    "name_scope_empty_resets_root": [["ns", "a", [["ns", "", [["ns_now"], ["op", "relu"]]]]]],
    "op_names_unique_in_scope": [["op", "relu"], ["op", "relu"], ["op", "relu"], ["op", "add"], ["op", "conv"], ["op", "conv"]],
    "bias_add_op_names": [["ns", "n", [["op", "bias_add"], ["op", "bias_add"], ["op", "add"]]]],
    "case_insensitive_counters": [["ns", "a", []], ["ns", "A", [["ns_now"]]], ["ns", "a", [["ns_now"]]]],
    "taken_names_are_skipped": [["ns", "a_1", []], ["ns", "a", [["ns_now"]]], ["ns", "a", [["ns_now"]]], ["ns", "a", [["ns_now"]]]],
    "op_and_scope_share_namespace": [["op", "relu"], ["ns", "Relu", [["ns_now"], ["op", "relu"]]], ["op", "relu"]],
    "variable_scope_opens_unique_name_scope": [["vs", "s", {}, [["ns_now"], ["op", "relu"]]], ["vs", "s", {"reuse": "auto"}, [["ns_now"], ["op", "relu"]]]],
    "variable_scope_inside_name_scope": [["ns", "n", [["vs", "v", {}, [["ns_now"], ["get", "w", [1], {}], ["op", "relu"]]]]]],
    "name_scope_inside_variable_scope": [["vs", "v", {}, [["ns", "n", [["ns_now"], ["get", "w", [1], {}], ["op", "add"]]]]]],
    "get_variable_ignores_name_scopes": [["ns", "n1", [["ns", "n2", [["get", "w", [1], {}]]]]]],
    "reenter_object_name_scope_last_component": [["vs", "a", {}, [["vs", "b", {"as": "s"}, [["op", "relu"]]]]],
                                                 ["vso", "s", {"reuse": "true"}, [["ns_now"], ["scope_now"], ["op", "relu"]]],
                                                 ["vso", "s", {"reuse": "true"}, [["ns_now"], ["op", "relu"]]]],
    "reenter_object_inside_other_scope": [["vs", "a", {"as": "s"}, [["get", "w", [1], {}]]],
                                          ["vs", "outer", {}, [["vso", "s", {"reuse": "true"}, [["ns_now"], ["get", "w", [1], {}], ["op", "relu"]]]]]],
    "nested_variable_scope_names": [["vs", "a", {}, [["vs", "b", {}, [["vs", "c", {}, [["scope_now"], ["get", "w", [1], {}]]]]]]]],
    "variable_scope_name_with_slash": [["vs", "a/b", {}, [["scope_now"], ["ns_now"], ["get", "w", [1], {}]]]],
    "tf_variable_names_unique": [["var", "b", [2], {}], ["var", "b", [2], {}], ["var", None, [1], {}], ["var", None, [1], {}]],
    "tf_variable_under_name_scope": [["ns", "ns", [["var", "b", [1], {}], ["var", "b", [1], {}]]]],
    "tf_variable_ignores_reuse": [["vs", "a", {"reuse": "true"}, [["var", "v", [1], {}], ["var", "v", [1], {}]]]],
    "tf_variable_inside_reentered_scope": [["vs", "a", {}, [["var", "v", [1], {}]]], ["vs", "a", {"reuse": "auto"}, [["var", "v", [1], {}]]]],
    "tf_variable_then_get_variable_same_name": [["var", "w", [1], {}], ["get", "w", [1], {}]],
    "get_variable_name_taken_by_name_scope": [["ns", "w", [["op", "relu"]]], ["get", "w", [1], {}], ["op", "relu"]],
    "scope_name_taken_by_variable": [["get", "w", [1], {}], ["ns", "w", [["ns_now"]]], ["vs", "w", {}, [["ns_now"], ["scope_now"]]]],
    "invalid_root_names": [["ns", "_a", []], ["ns", "-a", []], ["ns", "a b", []], ["vs", "_v", {}, []], ["ns", "ok.name-1>x", [["ns_now"]]]],
    "invalid_nested_names_allowed_underscore": [["ns", "a", [["ns", "_b", [["ns_now"]]], ["ns", "-c", [["ns_now"]]], ["ns", "bad name", []]]]],
    "invalid_variable_scope_nested": [["vs", "a", {}, [["vs", "_b", {}, [["get", "w", [1], {}]]], ["vs", "b c", {}, []]]]],
    "get_variable_invalid_names": [["get", "_w", [1], {}], ["get", "w w", [1], {}], ["vs", "a", {}, [["get", "_w", [1], {}]]]],
    "default_name_unique": [["vs", None, {"default_name": "conv"}, [["scope_now"], ["ns_now"]]],
                            ["vs", None, {"default_name": "conv"}, [["scope_now"], ["ns_now"]]],
                            ["vs", None, {"default_name": "conv"}, [["scope_now"], ["get", "w", [1], {}]]]],
    "default_name_after_explicit_scope": [["vs", "conv", {}, []], ["vs", None, {"default_name": "conv"}, [["scope_now"], ["ns_now"]]]],
    "default_name_counts_reset_when_parent_closes": [["vs", "p", {}, [["vs", None, {"default_name": "d"}, [["scope_now"]]],
                                                                      ["vs", None, {"default_name": "d"}, [["scope_now"]]]]],
                                                     ["vs", "p", {"reuse": "auto"}, [["vs", None, {"default_name": "d"}, [["scope_now"], ["ns_now"]]]]]],
    "default_name_with_reuse_true_errors": [["vs", None, {"default_name": "d", "reuse": "true"}, [["scope_now"]]], ["vs", None, {"default_name": "d"}, [["scope_now"]]]],
    "default_name_ignored_when_name_given": [["vs", "given", {"default_name": "d"}, [["scope_now"]]]],
    "default_name_inside_reused_object": [["vs", "a", {"as": "s"}, [["vs", None, {"default_name": "d"}, [["scope_now"]]]]],
                                          ["vso", "s", {}, [["vs", None, {"default_name": "d"}, [["scope_now"]]]]]],
    "empty_variable_scope_name": [["vs", "a", {}, [["vs", "", {}, [["scope_now"], ["ns_now"], ["get", "w", [1], {}]]]]]],
    "empty_variable_scope_at_root": [["vs", "", {}, [["scope_now"], ["ns_now"], ["get", "w", [1], {}], ["op", "relu"]]]],
    "reenter_root_scope_object": [["vs", "a", {}, []], ["vso", "root", {}, [["scope_now"], ["ns_now"], ["get", "w", [1], {}]]]],
    "deep_reentry_suffixes": [["vs", "a", {}, [["vs", "b", {}, [["op", "relu"]]], ["vs", "b", {"reuse": "auto"}, [["op", "relu"]]]]],
                              ["vs", "a", {"reuse": "auto"}, [["vs", "b", {}, [["op", "relu"]]]]]],
    "method2_inner_scopes_suffixed": [["vs", "f", {"as": "s"}, [["vs", "c", {}, [["op", "relu"]]], ["reuse_vars", "s"], ["vs", "c", {}, [["op", "relu"], ["ns_now"]]]]]],

    "as_default_again_keeps_scopes": [["vs", "a", {}, [["ns", "n", [["default_graph", [["ns_now"], ["scope_now"], ["get", "w", [1], {}], ["op", "relu"]]]]]]]],
    "original_name_scope_of_reentered_scopes": [["vs", "a", {"as": "s"}, []], ["vs", "a", {}, [["vs", "b", {}, []]]], ["vso", "s", {}, [["vs", "b", {}, []]]]],

    "case_differing_variable_names": [["get", "W", [1], {}], ["get", "w", [1], {}], ["ns", "w", [["ns_now"]]]],
    "op_named_like_a_variable": [["get", "Relu", [1], {}], ["op", "relu"], ["op", "relu"]],
    "tf_variable_with_slash_and_trailing_slash": [["var", "a/b", [1], {}], ["var", "a/b", [1], {}], ["ns", "x", [["var", "y/", [1], {}]]]],
    "variable_scope_trailing_slash": [["vs", "a", {}, [["op", "relu"]]], ["vs", "a/", {}, [["scope_now"], ["ns_now"], ["op", "relu"], ["get", "w", [1], {}]]]],
    "reenter_root_object_with_reuse": [["get", "w", [1], {}], ["vso", "root", {"reuse": "true"}, [["scope_now"], ["get", "w", [1], {}], ["get", "v", [1], {}]]]],
    "reenter_current_scope_object_inside": [["vs", "a", {}, [["vs", "b", {"as": "inner"}, []], ["vso", "inner", {}, [["scope_now"], ["ns_now"], ["get", "w", [1], {}]]]]]],
    "nested_reentry_of_outer_object": [["vs", "outer", {"as": "o"}, [["vs", "inner", {}, [["vso", "o", {"reuse": "auto"}, [["scope_now"], ["ns_now"], ["get", "x", [1], {}]]]]]]]],
    "name_scope_then_same_variable_scope": [["ns", "s", [["op", "relu"]]], ["vs", "s", {}, [["ns_now"], ["get", "w", [1], {}], ["op", "relu"]]]],
    "variable_scope_inside_reused_name_scope": [["ns", "n", []], ["ns", "n/", [["vs", "v", {}, [["ns_now"], ["get", "w", [1], {}]]]]]],
    "trainable_false_then_auto_reuse": [["vs", "a", {"reuse": "auto"}, [["get", "w", [2], {"trainable": False}], ["get", "w", [2], {}]]]],
    "deeply_nested_default_names": [["vs", None, {"default_name": "blk"}, [["vs", None, {"default_name": "blk"}, [["scope_now"], ["ns_now"]]]]],
                                    ["vs", None, {"default_name": "blk"}, [["vs", None, {"default_name": "blk"}, [["scope_now"], ["ns_now"]]]]]],
    "many_suffixes_then_explicit": [["op", "relu"], ["op", "relu"], ["op", "relu"], ["ns", "Relu_5", []], ["op", "relu"], ["op", "relu"], ["op", "relu"], ["op", "relu"]],

    # --- collections ---------------------------------------------------------------------
    "collections_creation_order": [["vs", "b", {}, [["get", "z", [1], {}]]], ["vs", "a", {}, [["get", "y", [1], {}]]], ["get", "x", [1], {}], ["var", "v", [1], {}]],
    "trainable_false_only_global": [["get", "t", [1], {}], ["get", "n", [1], {"trainable": False}], ["var", "nv", [1], {"trainable": False}], ["var", "tv", [1], {}]],
    "reuse_adds_nothing": [["vs", "a", {}, [["get", "w", [1], {}]]], ["vs", "a", {"reuse": "true"}, [["get", "w", [1], {}]]], ["vs", "a", {"reuse": "auto"}, [["get", "w", [1], {}]]]],
    "second_call_trainable_ignored": [["vs", "a", {}, [["get", "w", [1], {"trainable": False}]]], ["vs", "a", {"reuse": "true"}, [["get", "w", [1], {"trainable": True}]]]],

    # --- initializers --------------------------------------------------------------------
    "scope_initializer_inherited": [["vs", "a", {"initializer": "const:3"}, [["get", "w", [2], {}], ["vs", "b", {}, [["get", "w", [2], {}]]]]]],
    "explicit_initializer_wins": [["vs", "a", {"initializer": "const:3"}, [["get", "w", [2], {"initializer": "ones"}]]]],
    "inner_scope_initializer_wins": [["vs", "a", {"initializer": "const:3"}, [["vs", "b", {"initializer": "const:5"}, [["get", "w", [2], {}]]]]]],
    "reenter_by_string_loses_initializer": [["vs", "a", {"initializer": "const:3"}, [["get", "w", [2], {}]]], ["vs", "a", {}, [["get", "v", [2], {}]]]],
    "reenter_by_object_keeps_initializer": [["vs", "a", {"initializer": "const:3", "as": "s"}, [["get", "w", [2], {}]]], ["vso", "s", {}, [["get", "v", [2], {}]]]],
    "reenter_by_object_new_initializer": [["vs", "a", {"initializer": "const:3", "as": "s"}, []], ["vso", "s", {"initializer": "const:7"}, [["get", "v", [2], {}]]]],
    "default_initializer_is_random": [["get", "w", [5, 5, 3, 32], {}], ["get", "b", [4], {}]],
    "constant_list_pads_with_last": [["get", "c", [2, 3], {"initializer": "list:1,2,3"}], ["values", "c"]],
    "constant_list_too_long": [["get", "c", [2], {"initializer": "list:1,2,3"}], ["get", "c", [2], {"initializer": "zeros"}]],
    "zeros_ones_initializers": [["get", "z", [2, 2], {"initializer": "zeros"}], ["get", "o", [3], {"initializer": "ones"}], ["values", "z"], ["values", "o"]],
    "scalar_variable": [["get", "s", [], {"initializer": "const:2"}], ["values", "s"]],
    "initializer_on_default_name_scope": [["vs", None, {"default_name": "d", "initializer": "ones"}, [["get", "w", [1], {}], ["values", "d/w"]]]],

    # --- found after 1.0: failed ops use up their names, graph re-entry, Variable names ----
    "failed_ops_use_up_their_names": [["op", "conv_valid_too_big"], ["op", "conv"], ["op", "add_bad"], ["op", "add"],
                                      ["op", "bias_add_bad"], ["op", "bias_add"],
                                      ["vs", "s", {}, [["op", "conv_valid_too_big"], ["op", "conv"], ["op", "add_bad"], ["op", "relu"], ["op", "add"]]]],
    "reenter_graph_inside_another_graph": [["vs", "a", {}, [["ns", "n", [["other_graph", [["ns_now"], ["scope_now"],
                                           ["main_graph", [["get", "w", [1], {}], ["op", "relu"], ["scope_now"], ["ns_now"]]]]]]]]]],
    "reenter_graph_twice_nested": [["vs", "a", {}, [["other_graph", [["main_graph", [["vs", "b", {}, [["other_graph", [
                                       ["main_graph", [["scope_now"], ["ns_now"], ["op", "conv"]]]]]]]]]]]]]],
    # --- tf.compat.v1.layers ------------------------------------------------------------
    "layers_names_unique_per_scope": [["vs", "net", {}, small_cnn() + [["layer", "avg_pool", {"size": 2, "stride": 1, "padding": "same", "from_images": True}],
                                                                       ["layer", "dropout", {"rate": 0.25}]]]],
    "layers_second_tower_in_reused_scope": [["vs", "net", {}, small_cnn()], ["vs", "net", {"reuse": "true"}, small_cnn()]],
    "layers_towers_with_auto_reuse": [["vs", "tower", {"reuse": "auto"}, small_cnn()], ["vs", "tower", {"reuse": "auto"}, small_cnn()]],
    "layers_reenter_scope_object": [["vs", "net", {"as": "s"}, small_cnn()], ["vso", "s", {"reuse": "true"}, small_cnn()]],
    "layers_at_root_and_in_name_scope": [["layer", "conv2d", {"filters": 2, "kernel": 3, "from_images": True}],
                                         ["ns", "ns", [["layer", "conv2d", {"filters": 2, "kernel": 3, "from_images": True}],
                                                       ["layer", "max_pool", {"size": 2, "stride": 2}]]],
                                         ["layer", "conv2d", {"filters": 2, "kernel": 1}]],
    "layers_explicit_name_twice_errors": [["layer", "conv2d", {"filters": 2, "kernel": 3, "name": "c2", "from_images": True}],
                                          ["layer", "conv2d", {"filters": 2, "kernel": 3, "name": "c2", "from_images": True}],
                                          ["layer", "conv2d", {"filters": 2, "kernel": 3, "from_images": True}]],
    "layers_explicit_name_in_reused_scope": [["vs", "a", {}, [["layer", "flatten", {"from_images": True}], ["layer", "dense", {"units": 2, "name": "fc"}]]],
                                             ["vs", "a", {"reuse": "true"}, [["layer", "flatten", {"from_images": True}],
                                                                             ["layer", "dense", {"units": 2, "name": "fc"}],
                                                                             ["layer", "dense", {"units": 2, "name": "fc2"}]]]],
    "layers_batch_norm_of_features": [["layer", "flatten", {"from_images": True}], ["layer", "dense", {"units": 4}],
                                      ["layer", "bn", {}], ["layer", "bn", {"name": "bn"}]],
    "layers_next_to_default_name_scopes": [["vs", None, {"default_name": "conv2d"}, [["scope_now"]]],
                                           ["layer", "conv2d", {"filters": 2, "kernel": 3, "from_images": True}],
                                           ["vs", "conv2d_2", {}, [["scope_now"]]],
                                           ["layer", "conv2d", {"filters": 2, "kernel": 3, "from_images": True}]],
    "variable_invalid_names": [["var", "a b", [1], {}], ["var", "_a", [1], {}], ["ns", "x", [["var", "_b", [1], {}], ["var", "c d", [1], {}]]],
                               ["var", "ok", [1], {}]],
}
