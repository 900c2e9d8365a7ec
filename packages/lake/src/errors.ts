import { errorClass } from "@chainlog/tx-schema";

/** The one base class of the lake's errors: a short message, and the name says which. */
export class LakeError extends errorClass("LakeError") {}

/** A final block does not extend the last one written: a reorg deeper than the confirmations. Nothing is written. */
export class LakeContinuityError extends errorClass("LakeContinuityError", null, LakeError) {}

/** The lake folder holds another chain's (or another layout's) position. */
export class LakePositionError extends errorClass("LakePositionError", null, LakeError) {}
