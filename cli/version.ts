/** The version the CLI and the cluster processes report (kept in step with package.json). */
export const FRESHET_VERSION = '0.1.0';
