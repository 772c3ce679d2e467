package io.baton.bench;

import io.baton.proto.Durability;

/** What sequential replacements of one durability measured. */
record Latency(Durability durability, int count, Dist total, Dist drain, Dist launch, Dist overhead,
        Dist client, double syncsPer, double appendsPer) {
}
