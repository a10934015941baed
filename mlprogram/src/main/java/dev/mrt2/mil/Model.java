package dev.mrt2.mil;

/** A Core ML ML Program model: Model.specificationVersion, the description and the program. */
public record Model(int specificationVersion, ModelDescription description, Program program) {
}
