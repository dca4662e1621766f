Y estas son las generaciones de Phares: Phares engendró á Hesrón;
Y Hesrón engendró á Ram, y Ram engendró á Aminadab;
Y Aminadab engendró á Nahasón, y Nahasón engendró á Salmón;
Y Salmón engendró á Booz, y Booz engendró á Obed;
Y Obed engendró á Isaí, é Isaí engendró á David.
Palabras del Predicador, hijo de David, rey en Jerusalem.
Vanidad de vanidades, dijo el Predicador; vanidad de vanidades, todo vanidad.
Yo el Predicador fuí rey sobre Israel en Jerusalem.
¿Qué provecho tiene el que trabaja en lo que trabaja?
El necio dobla sus manos y come su carne.
Yo me torné otra vez, y vi vanidad debajo del sol.
Vanidad de vanidades, dijo el Predicador, todo vanidad.
Y fué Daniel hasta el año primero del rey Ciro.
Todo aquesto vino sobre el rey Nabucodonosor.
Y la escritura que esculpió es: Mene, Mene, Tekel, Upharsin.
Tekel: Pesado has sido en balanza, y fuiste hallado falto.
Peres: Tu reino fué rompido, y es dado á Medos y Persas.
La misma noche fué muerto Belsasar, rey de los Caldeos.
Firmó pues el rey Darío la escritura y el edicto.
Entonces habló Daniel con el rey: oh rey, para siempre vive.
En aquellos días yo Daniel me contristé por espacio de tres semanas.
Tocad trompeta en Sión, pregonad ayuno, llamad á congregación.
Mas Judá para siempre será habitada, y Jerusalem en generación y generación.
Pero Jonás se apesadumbró en extremo, y enojóse.
Y Jehová le dijo: ¿Haces tú bien en enojarte tanto?
Doy gracias á mi Dios en toda memoria de vosotros,
Por vuestra comunión en el evangelio, desde el primer día hasta ahora:
Porque para mí el vivir es Cristo, y el morir es ganancia.
Empero quedar en la carne es más necesario por causa de vosotros.
Haya, pues, en vosotros este sentir que hubo también en Cristo Jesús:
Haced todo sin murmuraciones y contiendas,
Y asimismo gozaos también vosotros, y regocijaos conmigo.
Guardaos de los perros, guardaos de los malos obreros, guardaos del cortamiento.
Gozaos en el Señor siempre: otra vez digo: Que os gocéis.
Todo lo puedo en Cristo que me fortalece.
Sin embargo, bien hicisteis que comunicasteis juntamente á mi tribulación.
Porque aun á Tesalónica me enviasteis lo necesario una y dos veces.
Y vemos que no pudieron entrar á causa de incredulidad.
Y otra vez aquí: No entrarán en mi reposo.
Por tanto, queda un reposo para el pueblo de Dios.
Nombrado de Dios pontífice según el orden de Melchîsedec.
Y esto haremos á la verdad, si Dioslopermitiere.
Y así, esperando con largura de ánimo, alcanzó la promesa.
Y por cuanto no fué sin juramento,
Tanto de mejor testamento es hecho fiador Jesús.
Mas éste, por cuanto permanece para siempre, tiene un sacerdocio inmutable:
De donde vino que ni aun el primero fué consagrado sin sangre.
Holocaustos y expiaciones por el pecado no te agradaron.
Añade: Y nunca más me acordaré de sus pecados é iniquidades.
Y teniendo un gran sacerdote sobre la casa de Dios,
