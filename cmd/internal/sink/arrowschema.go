package sink

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// Arrow writers embed their schema in a Parquet file's key-value metadata under
// "ARROW:schema": base64 of an Arrow IPC Schema message, a FlatBuffers table. arrow-go
// decodes it without bounds checks: a damaged length there makes it allocate tens of
// gigabytes and the process die (found by FuzzReadParquet). So ReadParquet hides the
// entry from arrow-go, takes the column types from the Parquet schema alone (which
// suffices for the types a Table holds), and gets each field's "doc" from fieldDocs
// below, which checks every offset and length against the buffer.
//
// Layouts, from the Arrow format's Message.fbs and Schema.fbs and the FlatBuffers
// binary format (https://flatbuffers.dev/internals/):
//
//	message  := [0xFFFFFFFF] int32 length, flatbuffer
//	Message  := { 0 version, 1 header_type (1 = Schema), 2 header, 3 bodyLength, 4 custom_metadata }
//	Schema   := { 0 endianness, 1 fields: [Field], 2 custom_metadata, 3 features }
//	Field    := { 0 name, 1 nullable, 2 type_type, 3 type, 4 dictionary, 5 children, 6 custom_metadata: [KeyValue] }
//	KeyValue := { 0 key, 1 value }

// Slots of the tables above.
const (
	slotMessageHeaderType = 1
	slotMessageHeader     = 2
	slotSchemaFields      = 1
	slotFieldName         = 0
	slotFieldMetadata     = 6
	slotKeyValueKey       = 0
	slotKeyValueValue     = 1

	messageHeaderSchema = 1
)

var errBadFlatbuffer = errors.New("offset out of range")

// fieldDocs returns the "doc" metadata of the top-level fields of the Arrow schema
// encoded as in an ARROW:schema entry, by field name.
func fieldDocs(encoded string) (map[string]string, error) {
	buf, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(buf) == 0 {
		if buf, err = base64.RawStdEncoding.DecodeString(encoded); err != nil {
			return nil, err
		}
	}
	// Strip the IPC framing: an optional continuation marker and a length.
	if len(buf) >= 4 && binary.LittleEndian.Uint32(buf) == 0xFFFFFFFF {
		buf = buf[4:]
	}
	if len(buf) < 4 {
		return nil, errBadFlatbuffer
	}
	n := binary.LittleEndian.Uint32(buf)
	buf = buf[4:]
	if uint64(n) > uint64(len(buf)) {
		return nil, errBadFlatbuffer
	}
	fb := flatbuf(buf[:n])

	msg, err := fb.root()
	if err != nil {
		return nil, err
	}
	if ht, ok, err := fb.uint8Field(msg, slotMessageHeaderType); err != nil {
		return nil, err
	} else if !ok || ht != messageHeaderSchema {
		return nil, fmt.Errorf("message is not a schema (header type %d)", ht)
	}
	schema, ok, err := fb.tableField(msg, slotMessageHeader)
	if err != nil || !ok {
		return nil, errors.Join(errors.New("message has no schema"), err)
	}
	fields, ok, err := fb.vectorField(schema, slotSchemaFields)
	if err != nil || !ok {
		return nil, err
	}
	docs := make(map[string]string)
	for i := range fields.len {
		field, err := fb.tableAt(fields.elem(i))
		if err != nil {
			return nil, err
		}
		name, _, err := fb.stringField(field, slotFieldName)
		if err != nil {
			return nil, err
		}
		kvs, ok, err := fb.vectorField(field, slotFieldMetadata)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		for j := range kvs.len {
			kv, err := fb.tableAt(kvs.elem(j))
			if err != nil {
				return nil, err
			}
			key, _, err := fb.stringField(kv, slotKeyValueKey)
			if err != nil {
				return nil, err
			}
			if key != docKey {
				continue
			}
			val, _, err := fb.stringField(kv, slotKeyValueValue)
			if err != nil {
				return nil, err
			}
			docs[name] = val
		}
	}
	return docs, nil
}

// flatbuf reads a FlatBuffers buffer, checking every access against its length.
type flatbuf []byte

// u32 returns the little-endian uint32 at pos.
func (b flatbuf) u32(pos int) (uint32, error) {
	if pos < 0 || pos > len(b)-4 {
		return 0, errBadFlatbuffer
	}
	return binary.LittleEndian.Uint32(b[pos:]), nil
}

// u16 returns the little-endian uint16 at pos.
func (b flatbuf) u16(pos int) (uint16, error) {
	if pos < 0 || pos > len(b)-2 {
		return 0, errBadFlatbuffer
	}
	return binary.LittleEndian.Uint16(b[pos:]), nil
}

// deref follows the unsigned offset stored at pos, which is relative to pos.
func (b flatbuf) deref(pos int) (int, error) {
	off, err := b.u32(pos)
	if err != nil {
		return 0, err
	}
	target := int64(pos) + int64(off)
	if target >= int64(len(b)) {
		return 0, errBadFlatbuffer
	}
	return int(target), nil
}

// table is a table's position and that of its vtable.
type table struct{ pos, vtab, vlen int }

func (b flatbuf) root() (table, error) {
	pos, err := b.deref(0)
	if err != nil {
		return table{}, err
	}
	return b.tableAt(pos, nil)
}

// tableAt returns the table at pos; err is passed through, for chaining.
func (b flatbuf) tableAt(pos int, err error) (table, error) {
	if err != nil {
		return table{}, err
	}
	soff, err := b.u32(pos)
	if err != nil {
		return table{}, err
	}
	vtab := int64(pos) - int64(int32(soff))
	if vtab < 0 || vtab > int64(len(b))-4 {
		return table{}, errBadFlatbuffer
	}
	vlen, _ := b.u16(int(vtab))
	if int64(vlen) < 4 || vtab+int64(vlen) > int64(len(b)) {
		return table{}, errBadFlatbuffer
	}
	return table{pos: pos, vtab: int(vtab), vlen: int(vlen)}, nil
}

// field returns the position of slot's field in t, or ok = false if it is absent.
func (b flatbuf) field(t table, slot int) (pos int, ok bool, err error) {
	entry := 4 + 2*slot
	if entry+2 > t.vlen {
		return 0, false, nil // written by an older schema version: absent
	}
	off, err := b.u16(t.vtab + entry)
	if err != nil || off == 0 {
		return 0, false, err
	}
	return t.pos + int(off), true, nil
}

func (b flatbuf) uint8Field(t table, slot int) (uint8, bool, error) {
	pos, ok, err := b.field(t, slot)
	if err != nil || !ok {
		return 0, ok, err
	}
	if pos >= len(b) {
		return 0, false, errBadFlatbuffer
	}
	return b[pos], true, nil
}

func (b flatbuf) tableField(t table, slot int) (table, bool, error) {
	pos, ok, err := b.field(t, slot)
	if err != nil || !ok {
		return table{}, ok, err
	}
	tt, err := b.tableAt(b.deref(pos))
	return tt, err == nil, err
}

// vector is a vector of offsets (to tables) in a flatbuf.
type vector struct {
	b   flatbuf
	pos int // of the first element
	len int
}

// elem returns the position of the table element i points to.
func (v vector) elem(i int) (int, error) { return v.b.deref(v.pos + 4*i) }

func (b flatbuf) vectorField(t table, slot int) (vector, bool, error) {
	pos, ok, err := b.field(t, slot)
	if err != nil || !ok {
		return vector{}, ok, err
	}
	start, err := b.deref(pos)
	if err != nil {
		return vector{}, false, err
	}
	n, err := b.u32(start)
	if err != nil {
		return vector{}, false, err
	}
	if int64(n)*4 > int64(len(b)-start-4) {
		return vector{}, false, errBadFlatbuffer
	}
	return vector{b: b, pos: start + 4, len: int(n)}, true, nil
}

func (b flatbuf) stringField(t table, slot int) (string, bool, error) {
	pos, ok, err := b.field(t, slot)
	if err != nil || !ok {
		return "", ok, err
	}
	start, err := b.deref(pos)
	if err != nil {
		return "", false, err
	}
	n, err := b.u32(start)
	if err != nil {
		return "", false, err
	}
	if int64(n) > int64(len(b)-start-4) {
		return "", false, errBadFlatbuffer
	}
	return string(b[start+4 : start+4+int(n)]), true, nil
}
