#!/usr/bin/env escript
%% An Erlang/OTP ssl server configured the way EMQX's SSL listener is: ssl:listen with verify_peer,
%% fail_if_no_peer_cert, {crl_check, peer} and the ssl_crl_cache (CRLs inserted into the cache from
%% files, as EMQX fills its cache), a versions option, and a minimal MQTT broker behind it (CONNACK
%% to CONNECT, SUBACK to SUBSCRIBE, a QoS 0 PUBLISH echoed back, PINGRESP, DISCONNECT).
%%
%% Usage: escript erlang-server.escript CONFIG
%% CONFIG holds Erlang terms: {crl_file, Path}. (inserted into the CRL cache) and
%% {listener, Name, Port, tls | tcp, SslOptions}. Prints "ready" when every listener listens.
%% Handshake failures are logged to stderr with the server's own reason.

main([ConfFile]) ->
    {ok, _} = application:ensure_all_started(ssl),
    {ok, Terms} = file:consult(ConfFile),
    [ok = ssl_crl_cache:insert({file, F}) || {crl_file, F} <- Terms],
    [listen(Name, Port, Kind, Opts) || {listener, Name, Port, Kind, Opts} <- Terms],
    io:format("ready~n"),
    receive never -> ok end.

listen(Name, Port, tls, Opts) ->
    {ok, L} = ssl:listen(Port, [binary, {active, false}, {reuseaddr, true}, {ip, {127, 0, 0, 1}} | Opts]),
    spawn(fun() -> accept_tls(Name, L) end);
listen(Name, Port, tcp, _Opts) ->
    {ok, L} = gen_tcp:listen(Port, [binary, {active, false}, {reuseaddr, true}, {ip, {127, 0, 0, 1}}]),
    spawn(fun() -> accept_tcp(Name, L) end).

%% The acceptors never crash: a connection that fails before its handshake is logged and dropped.
accept_tls(Name, L) ->
    case ssl:transport_accept(L) of
        {ok, T} ->
            Pid = spawn(fun() -> receive go -> handshake(Name, T) end end),
            hand_over(ssl, T, Pid, Name);
        {error, Reason} -> io:format(standard_error, "~p: accept failed: ~0p~n", [Name, Reason])
    end,
    accept_tls(Name, L).

accept_tcp(Name, L) ->
    case gen_tcp:accept(L) of
        {ok, S} ->
            Pid = spawn(fun() -> receive go -> mqtt(gen_tcp, S, <<>>, 0) end end),
            hand_over(gen_tcp, S, Pid, Name);
        {error, Reason} -> io:format(standard_error, "~p: accept failed: ~0p~n", [Name, Reason])
    end,
    accept_tcp(Name, L).

hand_over(Mod, S, Pid, Name) ->
    case Mod:controlling_process(S, Pid) of
        ok -> Pid ! go;
        {error, Reason} -> io:format(standard_error, "~p: connection lost: ~0p~n", [Name, Reason]), exit(Pid, kill)
    end.

handshake(Name, T) ->
    case ssl:handshake(T, 15000) of
        {ok, S} -> mqtt(ssl, S, <<>>, 0);
        {error, Reason} -> io:format(standard_error, "~p: handshake failed: ~0p~n", [Name, Reason])
    end.

%% The MQTT loop: Buf holds unparsed bytes, V the protocol level from CONNECT (4 or 5; 0 before it).
mqtt(Mod, S, Buf, V) ->
    case packet(Buf) of
        {Type, Flags, Body, Rest} ->
            case handle(Type, Flags, Body, V) of
                {reply, <<>>, V2} -> mqtt(Mod, S, Rest, V2);
                {reply, Out, V2} -> ok = Mod:send(S, Out), mqtt(Mod, S, Rest, V2);
                close -> Mod:close(S)
            end;
        more ->
            case Mod:recv(S, 0, 60000) of
                {ok, Data} -> mqtt(Mod, S, <<Buf/binary, Data/binary>>, V);
                {error, _} -> Mod:close(S)
            end
    end.

%% One packet from the buffer: {Type, Flags, Body, Rest}, or more.
packet(<<Type:4, Flags:4, Rest/binary>>) ->
    case varint(Rest, 0, 1) of
        {Len, After} when byte_size(After) >= Len ->
            <<Body:Len/binary, Tail/binary>> = After,
            {Type, Flags, Body, Tail};
        _ -> more
    end;
packet(_) -> more.

varint(<<1:1, N:7, Rest/binary>>, Acc, M) when M < 2097152 -> varint(Rest, Acc + N * M, M * 128);
varint(<<0:1, N:7, Rest/binary>>, Acc, M) -> {Acc + N * M, Rest};
varint(_, _, _) -> more.

frame(Type, Body) -> <<Type:4, 0:4, (enc_len(byte_size(Body)))/binary, Body/binary>>.

enc_len(N) when N < 128 -> <<N>>;
enc_len(N) -> <<1:1, (N rem 128):7, (enc_len(N div 128))/binary>>.

%% CONNECT: accept (return code 0), answering in the client's protocol level. Anything else as the
%% first packet (e.g. a TLS ClientHello, which reads as type 1 with flags 6) closes the connection,
%% as MQTT requires and brokers do.
handle(1, 0, <<4:16, "MQTT", Level, _/binary>>, 0) when Level =:= 4; Level =:= 5 ->
    case Level of
        5 -> {reply, frame(2, <<0, 0, 0>>), 5};
        _ -> {reply, frame(2, <<0, 0>>), 4}
    end;
handle(_, _, _, 0) -> close;
%% PUBLISH QoS 0: deliver it back (the client subscribed to its own topic).
handle(3, 0, Body, V) -> {reply, frame(3, Body), V};
handle(3, _, _, V) -> {reply, <<>>, V};
%% SUBSCRIBE: grant QoS 0 for every filter.
handle(8, _, <<Pid:16, Rest/binary>>, V) ->
    Filters = case V of
        5 -> {PropLen, P} = varint(Rest, 0, 1), <<_:PropLen/binary, F/binary>> = P, F;
        _ -> Rest
    end,
    Codes = << <<0>> || _ <- filters(Filters) >>,
    Props = case V of 5 -> <<0>>; _ -> <<>> end,
    {reply, frame(9, <<Pid:16, Props/binary, Codes/binary>>), V};
%% PINGREQ
handle(12, _, _, V) -> {reply, <<16#D0, 0>>, V};
%% DISCONNECT
handle(14, _, _, _) -> close;
handle(_, _, _, V) -> {reply, <<>>, V}.

filters(<<Len:16, Topic:Len/binary, _Opts, Rest/binary>>) -> [Topic | filters(Rest)];
filters(_) -> [].
