package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;

/**
 * The inputs of a validation run do not belong together: a package converted from one checkpoint, fixtures made from
 * another. Raised once, before anything is computed, with one line naming both (exit 3: bad input).
 */
public final class ProvenanceException extends BadInputException {
    public ProvenanceException(String message) {
        super(message);
    }
}
