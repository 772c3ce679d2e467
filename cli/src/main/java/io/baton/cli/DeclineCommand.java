package io.baton.cli;

import io.baton.sdk.client.BatonClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code baton decline}: give offers back before they expire. */
@Command(name = "decline", mixinStandardHelpOptions = true,
        description = {"Gives offers back to the shim at once (instead of when they expire), so their resources "
                + "are free for the next offer, launch or replace. launch and replace decline the offers they asked "
                + "for on their own when the shim refuses the call; offers you asked for with 'baton offers' are "
                + "yours to decline."},
        footer = {"", "Example:", "  baton decline --work-dir /tmp/baton o-3f2a9c-1 o-3f2a9c-2"})
final class DeclineCommand implements Callable<Integer> {
    @Mixin
    ShimConnection shim;

    @Parameters(arity = "1..*", paramLabel = "OFFER", description = "Offer ids, as 'baton offers' printed them.")
    List<String> offers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (BatonClient client = shim.connect(false, true)) {
            ShimConnection.await(client.decline(offers), "DECLINE " + String.join(" ", offers),
                    "check the offer ids with 'baton status' (offers expire on their own)");
            // the shim ignores ids it does not hold (used, expired or never made): nothing to give back there
            spec.commandLine().getOut().println("declined " + String.join(" ", offers));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
