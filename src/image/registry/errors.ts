// Registry failures that are neither "not found" nor bad input: unauthorised, digest mismatch,
// a registry that answers with an error or nonsense, unreachable or silent registries.

import { MydockerError } from "../../errors";

export class RegistryError extends MydockerError {}

/** The registry could not be reached or stopped answering (connection refused, TLS, timeout). */
export class UnreachableError extends RegistryError {}

/** The registry refused our credentials, or asks for some and we have none. */
export class UnauthorizedError extends RegistryError {}

/** Content whose sha256 is not the digest that named it (a tampered or corrupt blob). */
export class DigestMismatchError extends RegistryError {}
