/**
 * Every problem code `switchboard check` reports. A code is stable once
 * released: CI scripts and reviewers match on it. `docs/config.md` lists each
 * one; a test keeps the two in step.
 */
export const configProblemCodes = {
  // Reading the folder
  CFG_READ_FAILED: 'The config folder or one of its files could not be read.',
  CFG_FILE_MISSING: 'The config folder has no `gateway.yaml`.',
  CFG_DUPLICATE_PROFILE_FILE: 'A profile exists both as `NAME.yaml` and `NAME.yml`.',
  CFG_FILE_TOO_LARGE: 'A config file is larger than 256 KiB; it is not read.',
  CFG_LINK_OUTSIDE: 'A profile file is a symbolic link to a file outside `profiles/`; it is not read.',
  // YAML
  CFG_YAML_SYNTAX: 'The file is not valid YAML.',
  CFG_YAML_DUPLICATE_KEY: 'A mapping has the same key twice; YAML parsers disagree on which one wins, so it is refused.',
  CFG_YAML_WARNING: 'The YAML parser accepted the file but flagged something suspicious.',
  // Schema
  CFG_UNKNOWN_FIELD: 'A field the schema does not define, usually a typo.',
  CFG_MISSING_FIELD: 'A required field is absent.',
  CFG_INVALID_TYPE: 'A value has the wrong type (text where a number belongs, a list where a mapping belongs...).',
  CFG_INVALID_VALUE: 'A value is out of range, not one of the allowed words, or not in the required form.',
  CFG_LITERAL_SECRET: 'A provider `api_key` or credential header (`authorization`, `cookie`, `*-key`, `*token*`...) holds a literal secret instead of an `${ENV_VAR}` reference.',
  // Semantics
  CFG_UNKNOWN_PROVIDER: 'A target names a provider that `gateway.yaml` does not define.',
  CFG_INVALID_TARGET: 'A target is not of the form `provider/model`.',
  CFG_UNKNOWN_PROFILE: 'A key names a profile that has no file in `profiles/`.',
  CFG_RULE_NO_MATCHER: 'A rule has neither `model` nor `model_regex`.',
  CFG_RULE_BOTH_MATCHERS: 'A rule has both `model` and `model_regex`.',
  CFG_INVALID_REGEX: 'A `model_regex` is not a valid JavaScript regular expression.',
  CFG_UNSAFE_REGEX: 'A `model_regex` needs backtracking (a backreference or lookaround), which the linear-time engine that runs rules refuses; clients choose the model text.',
  CFG_RULE_SHADOWED: 'A rule can never match because an earlier rule always matches first.',
  CFG_LIST_AS_MISMATCH: 'A `list_as` model does not route to its rule: the rule does not match it, or an earlier rule matches it first.',
  CFG_CAPTURE_OUT_OF_RANGE: 'A target uses `$N` but the rule\'s regex has fewer capture groups.',
  CFG_ENV_UNSET: 'An `${ENV_VAR}` reference names a variable that is not set (an error with `--strict`).',
  CFG_DUPLICATE_KEY_HASH: 'Two keys have the same `sha256`, so the gateway could not tell them apart.',
  CFG_ROUTING_TEST_FAILED: 'A routing test in a profile does not route where its `expect` says.',
  // Spend
  CFG_UNKNOWN_CURRENCY: '`pricing.currency` is not an ISO 4217 currency code, or a currency other than USD has no `usd_per_unit`.',
  CFG_PRICE_MATCHER: 'A `pricing.models` entry needs exactly one of `target` and `target_regex`.',
  CFG_TARGET_UNPRICED: 'A routed target has no price in `pricing.models` nor in the built-in table, so its requests cost nothing in traces (a warning).',
  CFG_BUDGET_UNPRICED: 'A `usd_per_day` or `usd_per_month` budget covers a target without a price, so its spend could not be counted.',
  CFG_INVALID_STORE: '`limits.store` is neither `memory` nor a `redis://` URL, or `limits.time_zone` is not an IANA time zone.',
} as const;

export type ConfigProblemCode = keyof typeof configProblemCodes;
