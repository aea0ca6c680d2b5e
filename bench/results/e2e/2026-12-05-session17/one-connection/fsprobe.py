import os,time,sys
def run(mode,n=3000,chunk=4000):
    p='/work/probe/f.'+mode
    if os.path.exists(p): os.unlink(p)
    fd=os.open(p,os.O_RDWR|os.O_CREAT,0o644)
    if mode=='zeroed':
        os.write(fd,b'\0'*(n*chunk+65536)); os.fsync(fd)
    elif mode=='fallocate':
        os.posix_fallocate(fd,0,n*chunk+65536); os.fsync(fd)
    data=b'x'*chunk; lat=[]
    for i in range(n):
        os.pwrite(fd,data,i*chunk)
        t=time.perf_counter(); os.fdatasync(fd); lat.append(time.perf_counter()-t)
    os.close(fd); os.unlink(p)
    lat.sort()
    print(f"{mode:10s} p50 {lat[n//2]*1e3:.3f} ms  p90 {lat[int(n*.9)]*1e3:.3f}  p99 {lat[int(n*.99)]*1e3:.3f}  mean {sum(lat)/n*1e3:.3f}")
for r in range(2):
    for m in ['append','fallocate','zeroed']: run(m)
