package dev.imagine.bench;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.Evaluator;
import dev.imagine.sandbox.Examples;
import dev.imagine.sandbox.PlanRow;
import dev.imagine.sandbox.Query;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Plans evaluated per CPU-second of one thread (thread CPU time, so a busy shared machine does not
 * deflate it the way wall-clock JMH scores are): warm caches, then a fresh evaluator per pass.
 * Run: {@code java -cp bench/target/benchmarks.jar dev.imagine.bench.SandboxEvalCpuTime [seconds]}
 */
public final class SandboxEvalCpuTime {
    private SandboxEvalCpuTime() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        Database db = Database.builtIn();
        List<Query> queries = Examples.trainQueries();
        List<PlanRow> plans = Examples.trainPlans();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (boolean cold : new boolean[]{false, true, false, true}) {   // first pair warms the JIT up
            Evaluator evaluator = new Evaluator(db);
            long start = cpu.getCurrentThreadCpuTime(), evaluated = 0, sink = 0;
            while (cpu.getCurrentThreadCpuTime() - start < seconds * 1e9 / 2) {
                if (cold) evaluator = new Evaluator(db);
                for (PlanRow row : plans) {
                    sink += evaluator.evaluate(queries.get(row.queryIdx()), row.plan()).perFunction().size();
                    evaluated++;
                }
            }
            double used = (cpu.getCurrentThreadCpuTime() - start) / 1e9;
            System.out.printf("%s caches: %,d plans in %.2f CPU-s = %,.0f plans per CPU-second (check %d)%n",
                    cold ? "cold" : "warm", evaluated, used, evaluated / used, sink % 7);
        }
    }
}
