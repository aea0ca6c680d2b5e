import struct, sys, collections
f = open(sys.argv[1], 'rb').read()
i = f.index(b'\0') + 1
idsz = struct.unpack('>I', f[i:i+4])[0]; i += 12
sizes = collections.Counter(); big = []
def rid(p): return int.from_bytes(f[p:p+idsz], 'big')
tsz = {4:1,5:2,6:4,7:8,8:1,9:2,10:4,11:8}
tname = {4:'bool',5:'char',6:'float',7:'double',8:'byte',9:'short',10:'int',11:'long'}
prim = collections.Counter()
while i < len(f):
    tag = f[i]; ln = struct.unpack('>I', f[i+5:i+9])[0]; i += 9
    if tag in (0x0c, 0x1c):
        p = i; end = i + ln
        while p < end:
            st = f[p]; p += 1
            if st == 0xff: p += idsz
            elif st == 0x01: p += 2*idsz
            elif st == 0x02: p += idsz + 8
            elif st == 0x03: p += idsz + 8
            elif st == 0x04: p += idsz + 4
            elif st == 0x05: p += idsz
            elif st == 0x06: p += idsz + 4
            elif st == 0x07: p += idsz
            elif st == 0x08: p += idsz + 8
            elif st == 0x20:
                p += idsz + 4 + idsz*6 + 4
                cp = struct.unpack('>H', f[p:p+2])[0]; p += 2
                for _ in range(cp):
                    t = f[p+2]; p += 3 + (idsz if t == 2 else tsz[t])
                n = struct.unpack('>H', f[p:p+2])[0]; p += 2
                for _ in range(n):
                    t = f[p+idsz]; p += idsz + 1 + (idsz if t == 2 else tsz[t])
                n = struct.unpack('>H', f[p:p+2])[0]; p += 2 + n*(idsz+1)
            elif st == 0x21:
                p += idsz + 4 + idsz; n = struct.unpack('>I', f[p:p+4])[0]; p += 4 + n
            elif st == 0x22:
                p += idsz + 4; n = struct.unpack('>I', f[p:p+4])[0]; p += 4 + idsz + n*idsz
            elif st == 0x23:
                p += idsz + 4; n = struct.unpack('>I', f[p:p+4])[0]; t = f[p+4]; p += 5
                b = n*tsz[t]; prim[tname[t]] += b
                if b >= 16384: big.append((b, tname[t]))
                p += b
            else: raise Exception('sub %x' % st)
    i += ln
print(prim)
big.sort(reverse=True)
c = collections.Counter(big)
tot = 0
for (b, t), n in sorted(c.items(), reverse=True)[:30]:
    print(t, b, 'x', n); tot += b*n
print('arrays >= 16 KiB total', sum(b for b, t in big))
