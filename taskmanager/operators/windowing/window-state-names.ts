/**
 * The keyed states every window operator keeps its windows in: their names are part of the
 * savepoint layout, shared by WindowOperator and its specialised plans.
 */

/** Window contents, per (key, state window namespace). */
export const WINDOW_CONTENTS = 'window-contents';

/** A key's merging window set, as [window, state window] namespace pairs (void namespace). */
export const MERGING_WINDOWS = 'merging-window-set';
