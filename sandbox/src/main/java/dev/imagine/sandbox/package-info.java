/**
 * TravelPlanner sandbox: the official database and tools, reference information, queries and plans, and an
 * evaluator that agrees with the official TravelPlanner evaluator (OSU-NLP-Group/TravelPlanner) constraint for
 * constraint, quirks included.
 *
 * <pre>{@code
 * Database db = Database.builtIn();                       // or Database.load(Path.of("database"))
 * Evaluation e = new Evaluator(db).evaluate(query, plan); // 8 commonsense + 5 hard results, cost, error
 * String refInfo = ReferenceInfo.of(db, query);            // the official reference information JSON
 * }</pre>
 */
package dev.imagine.sandbox;
