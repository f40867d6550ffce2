"""The typed experiment config: one declarative table of every setting.

Like TensorFlow Playground's ``state.ts``: ``FIELDS`` lists every setting once (name, type,
default, range or choices, group, label, help). Everything else is derived from it:
``ExperimentConfig`` (its fields and defaults are checked against the table at import),
the Streamlit widgets (the UI iterates ``FIELDS`` / ``field_spec``), URL query parameters,
JSON files and the command-line flags.

    fields.py      the table (FieldSpec rows) and the choice lists
    experiment.py  ExperimentConfig, the checks of one value, the dataset-change rule
    parsing.py     URL / CLI text and JSON in and out, with a message per fixed value

Import from ``playground.config``; the modules are its parts.
"""
from playground.config.experiment import (
    TABLE_DEFAULTS,
    ExperimentConfig,
    changed_fields,
    check_value,
    default_config,
    fit_to_dataset,
    is_table,
    number_text,
)
from playground.config.fields import (
    ACTIVATIONS,
    EFFECTS,
    FIELDS,
    GROUPS,
    KINDS,
    LOSSES,
    LOSSES_BY_TASK,
    MAX_STR_LENGTH,
    MODEL_KINDS,
    OPTIMIZERS,
    PANELS,
    FieldSpec,
    field_spec,
    fields_in_group,
    hide_groups,
)
from playground.config.parsing import (
    MAX_EXPERIMENT_BYTES,
    config_from_values,
    format_value,
    from_json,
    from_query_params,
    parse_flag,
    parse_value,
    to_dict,
    to_json,
    to_query_params,
)

__all__ = ["ExperimentConfig", "changed_fields", "check_value", "default_config",
           "fit_to_dataset", "is_table", "number_text", "TABLE_DEFAULTS",
           "ACTIVATIONS", "EFFECTS", "FIELDS", "GROUPS",
           "KINDS", "LOSSES", "LOSSES_BY_TASK", "MAX_STR_LENGTH", "MODEL_KINDS", "OPTIMIZERS",
           "PANELS", "FieldSpec", "field_spec", "fields_in_group", "hide_groups",
           "config_from_values", "format_value", "from_json", "from_query_params",
           "parse_flag", "parse_value", "to_dict", "to_json", "to_query_params",
           "MAX_EXPERIMENT_BYTES"]
