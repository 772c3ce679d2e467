package io.baton.cli;

import io.baton.proto.Offer;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code baton offers}: carve an offer from the node's free resources. */
@Command(name = "offers", mixinStandardHelpOptions = true,
        description = {"Asks the shim for an offer: exactly --resources, or everything free. Offers are used once "
                + "and expire (the shim's --offer-ttl, 30 s by default); pass their ids to launch or replace."},
        footer = {"", "Example:", "  baton offers --work-dir /tmp/baton --resources 'cpus:1;mem:256'"})
final class OffersCommand implements Callable<Integer> {
    @Mixin
    ShimConnection shim;

    @Option(names = "--resources", paramLabel = "R", description = "What to offer (default: everything free).")
    String resources;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Resources wanted = resources == null ? null : parse(resources);
        try (BatonClient client = shim.connect(false, true)) {
            List<Offer> offers = ShimConnection.await(client.offers(wanted), "OFFERS " + (resources == null ? "(all free)"
                    : resources), "ask for less, or see what is free with 'baton status'");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"OFFER", "RESOURCES", "EXPIRES"});
            for (Offer o : offers) {
                rows.add(new String[] {o.getId().getValue(), Format.resources(o.getResourcesList()),
                    Format.time(o.getExpiresAtUs())});
            }
            spec.commandLine().getOut().print(Format.table(rows));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static Resources parse(String r) {
        try {
            return Resources.parse(r);
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "invalid --resources '" + r + "'", e.getMessage(),
                    "use Mesos syntax, e.g. 'cpus:1;mem:256'");
        }
    }
}
