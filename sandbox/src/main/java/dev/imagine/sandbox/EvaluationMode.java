package dev.imagine.sandbox;

/**
 * How the evaluator treats the official evaluator's bugs.
 * <ul>
 *   <li>{@link #OFFICIAL} (the default): exactly the official results, quirks and exceptions included.</li>
 *   <li>{@link #STRICT}: each of these official bugs fixed (numbers refer to the quirks of the golden data's
 *       README); results then differ from published numbers, so use it for training signals, not for
 *       comparison with papers:
 *     <ol>
 *       <li>S1 (quirk 1) a non-travel day's meals, attractions, accommodation and transportation must name
 *           the day's city (the official code tests single characters of it);</li>
 *       <li>S2 (quirk 4) the last attraction counts without a trailing ';' and pieces are compared stripped;</li>
 *       <li>S3 (quirk 5) a flight must match number, route and the day's date, its cost comes from that row;
 *           "flight number:" in any case is read; a flight without a route fails the sandbox check instead
 *           of raising;</li>
 *       <li>S4 (quirk 8) a null value counts as absent in is_not_absent;</li>
 *       <li>S5 (quirk 10) a 3-day trip must visit the query's destination city;</li>
 *       <li>S6 (quirk 12) a meal in the origin city skips only itself in the cuisine check;</li>
 *       <li>S7 (quirk 16) nothing aborts: a check that raises counts as failed (reason = the exception) in
 *           eval.py's boxes and gating, and {@link Evaluation#error()} stays null (the exception is in
 *           {@link Evaluation#perFunction()}).</li>
 *     </ol></li>
 * </ul>
 */
public enum EvaluationMode {
    OFFICIAL, STRICT
}
