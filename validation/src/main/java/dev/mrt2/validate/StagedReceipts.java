package dev.mrt2.validate;

import dev.mrt2.io.OsReason;
import dev.mrt2.io.OutputException;
import dev.mrt2.io.StagedFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes one run's receipts as one transaction ({@link StagedFolder}): every artifact's pair and the summary go into a
 * staging folder beside the receipts folder and move in together once all are written. A run that stops first (a bad
 * fixture or package, a full disk) leaves the folder as it was, never this run's receipts mixed with an earlier run's
 * (whose summary could still say "passed").
 */
final class StagedReceipts {
    private StagedReceipts() {}

    /** Writes the reports' receipts and the summary into {@code dir}; returns the run they describe. */
    static Validator.Run write(Path dir, List<ArtifactReport> reports, ReferenceInfo reference, boolean strict,
                               Consumer<String> log) {
        try (StagedFolder tx = StagedFolder.open(dir, log)) {
            Path staging = tx.staging();
            List<Path> receipts = new ArrayList<>();
            Validator.Run run;
            try {
                for (ArtifactReport r : reports) {
                    // the run names the receipts where they will be, not in the staging folder
                    Receipts.write(staging, r).forEach(p -> receipts.add(dir.resolve(p.getFileName().toString())));
                }
                run = new Validator.Run(reports, receipts, reference);
                Receipts.writeSummary(staging, run, strict);
            } catch (OutputException e) {
                // the file that failed lies in the hidden staging folder; what the user needs is the reason
                throw new OutputException(dir + ": cannot write the receipts: " + OsReason.of(e.getCause()) + " ("
                        + dir.getFileName() + " is unchanged)", e.getCause());
            }
            tx.commit();
            return run;
        }
    }
}
