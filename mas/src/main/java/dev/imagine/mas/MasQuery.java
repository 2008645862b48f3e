package dev.imagine.mas;

/**
 * One query as the multi-agent system sees it: a stable id (the trace key), the natural-language text,
 * the structured query as JSON (TravelPlanner queries.jsonl line) and its reference information as JSON.
 */
public record MasQuery(String id, String text, String queryJson, String referenceInfo) {
}
