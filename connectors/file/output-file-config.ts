/** Names of committed part files: `<partPrefix>-<operator uid or id>-<subtask>-<n><partSuffix>`. */
export interface OutputFileConfig {
  /** Default `part`. */
  readonly partPrefix?: string;
  /** Default none, e.g. `.jsonl`. */
  readonly partSuffix?: string;
}
