/** The stream takes no query parameters; declaring none makes any that is sent a 400. */
export class StreamAccountQueryDto {}
