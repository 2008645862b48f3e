package dev.imagine.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * The {@link ExactPlanner}'s answer for one query.
 *
 * <ul>
 *   <li>{@code FEASIBLE}: {@code plan} is the cheapest plan of the searched family, it meets all 13 constraints
 *       and {@code cost} (the official total cost) is within the budget;</li>
 *   <li>{@code OVER_BUDGET}: {@code plan} is the cheapest plan meeting every other constraint, and its
 *       {@code cost} exceeds the budget: a proof that no plan of the family fits the budget;</li>
 *   <li>{@code NO_PLAN}: no plan of the family meets the non-budget constraints ({@code reason} says which
 *       resource is missing: a city without a valid accommodation, a leg without allowed transport, ...);</li>
 *   <li>{@code UNSUPPORTED}: the query is outside the searched family (days/cities other than 3/1, 5/2, 7/3,
 *       too few dates, unknown destination): nothing is claimed.</li>
 * </ul>
 * {@code route} lists the visited cities in order and {@code legs} the plan's travel (from, to, date), both empty
 * without a plan; {@code nanos} is the search's wall-clock time, {@code cpuNanos} its CPU time on the calling thread
 * (robust to a shared machine; -1 where the JVM cannot measure it).
 */
public record PlanResult(Status status, Plan plan, double cost, List<String> route, List<Query.Leg> legs, String reason,
                         long nanos, long cpuNanos) {

    public enum Status { FEASIBLE, OVER_BUDGET, NO_PLAN, UNSUPPORTED }

    public PlanResult {
        route = List.copyOf(route);
        legs = List.copyOf(legs);
    }

    /** True if a plan meeting all 13 constraints exists (and {@link #plan} is the cheapest). */
    public boolean feasible() {
        return status == Status.FEASIBLE;
    }

    /** The cheapest plan meeting all 13 constraints, if any. */
    public Optional<Plan> feasiblePlan() {
        return feasible() ? Optional.of(plan) : Optional.empty();
    }

    /** The cheapest plan meeting every constraint except possibly the budget (FEASIBLE or OVER_BUDGET). */
    public Optional<Plan> cheapestPlan() {
        return Optional.ofNullable(plan);
    }
}
