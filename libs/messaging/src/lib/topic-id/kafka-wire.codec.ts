/**
 * The few primitive types of Kafka's wire protocol that a Metadata exchange needs, including the
 * "flexible" encodings (compact strings and arrays, unsigned varints, tagged fields) of newer request
 * versions. Big-endian throughout, as the protocol specifies.
 */
export class WireWriter {
  private readonly chunks: Buffer[] = [];

  int8(value: number): this {
    return this.push(Buffer.from([value & 0xff]));
  }

  int16(value: number): this {
    const buffer = Buffer.alloc(2);
    buffer.writeInt16BE(value);
    return this.push(buffer);
  }

  int32(value: number): this {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32BE(value);
    return this.push(buffer);
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  unsignedVarint(value: number): this {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    return this.push(Buffer.from(bytes));
  }

  /** STRING / NULLABLE_STRING: int16 length (-1 for null). */
  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, 'utf8');
    return this.int16(bytes.length).push(bytes);
  }

  /** COMPACT_(NULLABLE_)STRING: unsigned varint length + 1 (0 for null). */
  compactString(value: string | null): this {
    if (value === null) return this.unsignedVarint(0);
    const bytes = Buffer.from(value, 'utf8');
    return this.unsignedVarint(bytes.length + 1).push(bytes);
  }

  compactArray<T>(items: readonly T[], write: (writer: this, item: T) => void): this {
    this.unsignedVarint(items.length + 1);
    for (const item of items) write(this, item);
    return this;
  }

  uuid(bytes: Buffer): this {
    if (bytes.length !== 16) throw new RangeError(`a UUID has 16 bytes, not ${bytes.length}`);
    return this.push(bytes);
  }

  /** An empty TAG_BUFFER: no tagged fields. */
  noTaggedFields(): this {
    return this.unsignedVarint(0);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private push(buffer: Buffer): this {
    this.chunks.push(buffer);
    return this;
  }
}

/** Reads what WireWriter writes; any read past the end throws, so a truncated frame never decodes. */
export class WireReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  int8(): number {
    return this.advance(1, (at) => this.buffer.readInt8(at));
  }

  int16(): number {
    return this.advance(2, (at) => this.buffer.readInt16BE(at));
  }

  int32(): number {
    return this.advance(4, (at) => this.buffer.readInt32BE(at));
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  unsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const byte = this.advance(1, (at) => this.buffer.readUInt8(at));
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new RangeError('malformed varint: more than 5 bytes');
  }

  compactString(): string | null {
    const length = this.unsignedVarint();
    if (length === 0) return null;
    return this.take(length - 1).toString('utf8');
  }

  compactArray<T>(read: (reader: this) => T): T[] {
    const length = this.unsignedVarint();
    const items: T[] = [];
    for (let i = 1; i < length; i++) items.push(read(this));
    return items;
  }

  /** INT32-length ARRAY of the classic (non-flexible) encodings; -1 is null, read as empty. */
  array<T>(read: (reader: this) => T): T[] {
    const length = this.int32();
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(read(this));
    return items;
  }

  uuid(): Buffer {
    return this.take(16);
  }

  /** Tagged fields this client does not know: read past them. */
  skipTaggedFields(): void {
    const count = this.unsignedVarint();
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      this.take(this.unsignedVarint());
    }
  }

  private take(length: number): Buffer {
    return this.advance(length, (at) => Buffer.from(this.buffer.subarray(at, at + length)));
  }

  private advance<T>(length: number, read: (at: number) => T): T {
    if (this.offset + length > this.buffer.length) {
      throw new RangeError(`truncated response: ${length} bytes wanted at offset ${this.offset} of ${this.buffer.length}`);
    }
    const value = read(this.offset);
    this.offset += length;
    return value;
  }
}
