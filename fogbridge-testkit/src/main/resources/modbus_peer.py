"""An independent Modbus TCP server for Fogbridge's tests: pymodbus (Debian python3-pymodbus) with a data store of
known values. The values are packed here with Python's struct module, not with anything of ours, so a test that
decodes them right has been checked against a second implementation.

Usage: /usr/bin/python3 modbus_peer.py PORT

Addresses are 0-based as on the wire (zero_mode). Unit 1 is served; any other unit id is answered with exception
0x0B (gateway target device failed to respond).

Holding registers (each value big-endian unless said):
   0 int16 -1234          1 uint16 54321          2 int32 -123456789       4 uint32 3000000000
   6 int64 -1234567890123                        10 uint64 18446744073709551000
  14 float32 3.25        16 float64 -2.5e10      20 float32 3.25, word order little
  22 int32 -123456789, byte order little         24 uint32 3000000000, byte and word order little
  26 float64 -2.5e10, word order little          30 string 'LX-300' (10 characters, NUL padded)
  35 string 'abcd' byte order little (6 characters)
  40 uint16 1000 (a test scales it by 0.1)       100-119 zero: written by tests
Input registers (sparse: a read across the holes answers 0x02):  0: 11, 1: 12, 5: 15, 6: 16
Coils 0-7: 1 0 1 1 0 0 0 1; 20-29 zero (written by tests). Discrete inputs 0-7: 0 1 1 0 1 0 0 1
"""
import asyncio
import logging
import struct
import sys

from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSparseDataBlock
from pymodbus.exceptions import NoSuchSlaveException
from pymodbus.server import StartAsyncTcpServer


class GatewayContext(ModbusServerContext):
    """Lists unit 7 so the framer lets its requests through, then has no such unit: the server answers 0x0B, as a
    TCP-to-serial gateway does when the serial device behind it is silent."""

    def slaves(self):
        return [1, 7]

    def __getitem__(self, unit):
        if unit == 7:
            raise NoSuchSlaveException("unit 7 does not answer")
        return super().__getitem__(unit)


def words(fmt, value):
    raw = struct.pack(">" + fmt, value)
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]


def swap_bytes(regs):
    return [((r & 0xFF) << 8) | (r >> 8) for r in regs]


def text(value, count):
    raw = value.encode("latin-1").ljust(count + (count % 2), b"\0")
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]


def holding():
    hr = [0] * 200
    def put(address, regs):
        hr[address:address + len(regs)] = regs
    put(0, words("h", -1234))
    put(1, words("H", 54321))
    put(2, words("i", -123456789))
    put(4, words("I", 3000000000))
    put(6, words("q", -1234567890123))
    put(10, words("Q", 18446744073709551000))
    put(14, words("f", 3.25))
    put(16, words("d", -2.5e10))
    put(20, list(reversed(words("f", 3.25))))
    put(22, swap_bytes(words("i", -123456789)))
    put(24, swap_bytes(list(reversed(words("I", 3000000000)))))
    put(26, list(reversed(words("d", -2.5e10))))
    put(30, text("LX-300", 10))
    put(35, swap_bytes(text("abcd", 6)))
    put(40, [1000])
    return hr


async def main(port):
    logging.basicConfig(level=logging.CRITICAL)
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    unit = ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, holding()),
        ir=ModbusSparseDataBlock({0: 11, 1: 12, 5: 15, 6: 16}),
        co=ModbusSequentialDataBlock(0, [1, 0, 1, 1, 0, 0, 0, 1] + [0] * 40),
        di=ModbusSequentialDataBlock(0, [0, 1, 1, 0, 1, 0, 0, 1] + [0] * 40),
        zero_mode=True)
    context = GatewayContext(slaves={1: unit}, single=False)
    print("modbus peer on port", port, flush=True)
    # reuse_address: a restart on the same port must not wait for the killed run's connections in TIME_WAIT
    await StartAsyncTcpServer(context=context, address=("127.0.0.1", port), allow_reuse_address=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
