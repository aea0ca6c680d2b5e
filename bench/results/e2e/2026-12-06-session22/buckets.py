import sys, collections
files = sys.argv[2:]; thread = sys.argv[1]
tot = 0; b = collections.Counter(); leaf = collections.Counter()
order = [('ack-path', ['HeldAcks', 'PipelinedAcks', 'wakeRouting']),
         ('pipeline', ['Pipeline.accept']), ('console', ['DeviceActivity']),
         ('interceptor', ['UplinkPublishInterceptor']),
         ('fromDevice', ['RelayedConnection.fromDevice', 'RelayedConnection.channelRead']),
         ('decode', ['MqttDecoder', 'ByteToMessageDecoder']),
         ('read-syscall', ['EpollStreamChannel$EpollStreamUnsafe.epollInReady', 'doReadBytes']),
         ('flush/write', ['doWrite', 'flush0', 'writev', 'ChannelOutboundBuffer']),
         ('epoll_wait', ['epollWait', 'epoll_wait', 'epollBusyWait']),
         ('tasks', ['runAllTasks', 'runTasks']),
        ]
for f in files:
    for line in open(f):
        st, _, n = line.rstrip().rpartition(' ')
        if thread not in st: continue
        n = int(n); tot += n
        for name, keys in order:
            if any(k in st for k in keys):
                b[name] += n; break
        else:
            b['other'] += n; leaf[st.split(';')[-1]] += n
print('total samples', tot)
for k, v in b.most_common(): print(f'{v:7d} {100*v/tot:5.1f}% {k}')
print('-- other leaves'); 
for k, v in leaf.most_common(15): print(v, k)
