package dev.mrt2.validate;

import java.nio.file.Path;
import java.util.List;

/**
 * Checked once, before anything is computed: every artifact's source checkpoint (its metadata) against the
 * fixtures' and the checkpoint's SHA-256, and those two against each other. A mismatch stops the run with one line
 * naming both digests; an unknown digest (the published set names none, a coremltools package may not either) is
 * not a mismatch, and the receipts say it is unknown.
 */
final class Provenance {
    private Provenance() {}

    /**
     * @param fixtures   the fixtures' reference, or null
     * @param dir        their folder, or null
     * @param checkpoint the checkpoint, or null
     */
    static void check(List<PackageInfo> artifacts, ReferenceSet fixtures, Path dir, CheckpointReference checkpoint) {
        String fixturesSha = fixtures == null ? null : fixtures.checkpointSha256();
        String fixturesLabel = dir == null ? null : "the fixtures in " + dir;
        String checkpointSha = checkpoint == null ? null : checkpoint.sha256();
        String checkpointLabel = checkpoint == null ? null : "the checkpoint " + checkpoint.path().getFileName();
        if (fixturesSha != null && checkpointSha != null && !fixturesSha.equals(checkpointSha)) {
            throw new ProvenanceException(fixturesLabel + " were made from checkpoint sha256 " + fixturesSha + ", "
                    + checkpointLabel + " is sha256 " + checkpointSha + ": they do not belong together");
        }
        for (PackageInfo a : artifacts) {
            String sha = a.sourceSha256();
            if (sha == null) {
                continue;
            }
            compare(a, sha, fixturesSha, fixturesLabel + " were made from");
            compare(a, sha, checkpointSha, checkpointLabel + " is");
        }
    }

    private static void compare(PackageInfo a, String sha, String other, String otherLabel) {
        if (other != null && !other.equals(sha)) {
            throw new ProvenanceException(a.fileName() + " was converted from checkpoint sha256 " + sha + ", but "
                    + otherLabel + " sha256 " + other + ": validate it against a reference of its own checkpoint "
                    + "(or regenerate the fixtures with 'mrt2 fixtures generate')");
        }
    }
}
