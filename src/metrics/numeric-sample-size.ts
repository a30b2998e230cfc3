/**
 * Rows read before `--value-columns numeric` decides: enough for a column of numbers with the
 * odd empty cell to show itself, few enough to hold in memory and decide at once. A column whose
 * first non-number comes later is a value column all the same; its cells that are no number are
 * skipped one by one, with a warning each. (Its own file: the command line names it in --help
 * without loading the reader.)
 */
export const NUMERIC_SAMPLE_ROWS = 1000;
