import os,time,sys
def run(mode,n=3000,size=3200):
    path='/tmp/s16/fsync-%s.test'%mode
    fd=os.open(path,os.O_WRONLY|os.O_CREAT|os.O_TRUNC)
    if mode=='zeroed':
        os.write(fd,b'\0'*(size*n+4096)); os.fsync(fd); os.lseek(fd,0,0)
    elif mode=='fallocate':
        os.posix_fallocate(fd,0,size*n+4096); os.fsync(fd)
    ts=[]
    for i in range(n):
        os.write(fd,b'x'*size)
        t=time.perf_counter(); os.fdatasync(fd); ts.append(time.perf_counter()-t)
    ts.sort(); k=len(ts)
    print('%-10s fdatasync p50 %.3f ms p90 %.3f p99 %.3f mean %.3f'%(mode,ts[k//2]*1e3,ts[int(k*.9)]*1e3,ts[int(k*.99)]*1e3,sum(ts)/k*1e3))
    os.close(fd); os.unlink(path)
for r in range(2):
    for m in ('append','fallocate','zeroed'): run(m)
