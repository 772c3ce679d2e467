package io.baton.shim.metrics;

import java.util.Map;

/** Renders the shim's metrics in the Prometheus text exposition format, version 0.0.4. */
public final class MetricsText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsText() {
    }

    public static String render(ShimMetrics.Snapshot m, LedgerGauges g) {
        StringBuilder out = new StringBuilder(4096);
        header(out, "baton_replacements_total", "counter", "Replacements that ended, by outcome: final status "
                + "updates relayed by the shim (once per uuid), plus REPLACE calls the shim rejected itself.");
        m.outcomes().forEach((outcome, n) -> sample(out, "baton_replacements_total", "outcome=\"" + outcome + "\"", n));

        header(out, "baton_replacement_phase_seconds", "histogram", "Duration of a replacement's phases, from "
                + "the timings of its final update; total for every one, the others when the phase took place.");
        m.phases().forEach((phase, h) -> {
            String label = "phase=\"" + phase + "\"";
            for (int i = 0; i < h.cumulative().length; i++) {
                String le = i < h.boundsSeconds().length ? number(h.boundsSeconds()[i]) : "+Inf";
                sample(out, "baton_replacement_phase_seconds_bucket", label + ",le=\"" + le + "\"", h.cumulative()[i]);
            }
            sample(out, "baton_replacement_phase_seconds_sum", label, h.sumSeconds());
            sample(out, "baton_replacement_phase_seconds_count", label, h.count());
        });

        if (!m.connectionsOpen().isEmpty()) { // listeners appear once they have accepted a connection
            header(out, "baton_connections", "gauge", "Open connections by listener (each has its own limit).");
            m.connectionsOpen().forEach((l, n) -> sample(out, "baton_connections", "listener=\"" + escape(l) + "\"", n));
        }
        if (!m.connectionsRefused().isEmpty()) {
            header(out, "baton_connections_refused_total", "counter", "Connections refused because their listener "
                    + "was at its connection limit (--max-connections).");
            m.connectionsRefused().forEach((l, n) -> sample(out, "baton_connections_refused_total",
                    "listener=\"" + escape(l) + "\"", n));
        }

        header(out, "baton_resources", "gauge", "Scalar resources of the node by ledger account (mem and disk "
                + "in MB); free = total - allocated - reserved - offered.");
        for (Map.Entry<String, Map<String, Double>> kind : g.resources().entrySet()) {
            kind.getValue().forEach((name, v) -> sample(out, "baton_resources",
                    "kind=\"" + kind.getKey() + "\",resource=\"" + escape(name) + "\"", v));
        }
        header(out, "baton_executors", "gauge", "Executors the ledger holds, by connection state.");
        sample(out, "baton_executors", "state=\"connected\"", g.connectedExecutors());
        sample(out, "baton_executors", "state=\"disconnected\"", g.disconnectedExecutors());
        header(out, "baton_refused_subscriptions", "gauge", "Executors whose latest subscription the shim refused "
                + "(each retries until accepted; baton status lists them with the reason).");
        sample(out, "baton_refused_subscriptions", null, g.refusedSubscriptions());
        header(out, "baton_tasks", "gauge", "Tasks held by executors.");
        sample(out, "baton_tasks", null, g.tasks());
        header(out, "baton_offers", "gauge", "Outstanding offers.");
        sample(out, "baton_offers", null, g.offers());
        header(out, "baton_reservations", "gauge", "Replacement reservations in the ledger.");
        sample(out, "baton_reservations", null, g.reservations());
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name);
        if (labels != null) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    /** Integral values without a fraction ({@code 4096}, {@code 1}), others as Java prints them ({@code 0.1}). */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** A label value: backslash, double quote and newline escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
