/** No fields: the body is `{}` or absent, and any field is refused. */
export class VoidTransferDto {}
