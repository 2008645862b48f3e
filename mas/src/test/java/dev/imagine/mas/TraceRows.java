package dev.imagine.mas;

/** Sample trace rows for tests. */
final class TraceRows {
    private TraceRows() {
    }

    static TraceRow sample(int i) {
        RoleCall reasoner = new RoleCall("r-model", "[{\"role\":\"user\",\"content\":\"q" + i + "\"}]", "[{\"days\":1}]",
                "think ünïcödé " + i, 100 + i, 200 + i, 3000 + i, 1);
        RoleCall judge = new RoleCall("j-model", "[]", i % 2 == 0 ? "Errors exist." : "No errors.", "", 50, 3, 40, 2);
        RoleCall reflector = i % 2 == 0 ? new RoleCall("f-model", "[]", "fixed", "", 70, 80, 90, 1) : null;
        PlanScore score = new PlanScore(true, i % 2 == 1, true, i % 2 == 1, 10 + i % 3, 13, "{\"x\":" + i + "}");
        return new TraceRow("q" + i, "query " + i, "{\"org\":\"A\"}", "{\"ref\":" + i + "}",
                reasoner, judge, judge, reflector, judge.response(), judge.response(),
                reflector == null ? null : "the reflection", "[{\"days\":1}]", "[{\"days\":2}]",
                "<|im_start|>user\nq<|im_end|>\n", "full text " + i, 5, 9 + i, score, score, null);
    }
}
