En el principio crió Dios los cielos y la tierra.
Y dijo Dios: Sea la luz: y fué la luz.
Y fué la tarde y la mañana el día tercero.
Y fué la tarde y la mañana el día cuarto.
Y fué la tarde y la mañana el día quinto.
Entonces la serpiente dijo á la mujer: No moriréis;
Y vivió Seth ciento y cinco años, y engendró á Enós.
Y vivió Enós noventa años, y engendró á Cainán.
Y vivió Cainán setenta años, y engendró á Mahalaleel.
Y vivió Mahalaleel sesenta y cinco años, y engendró á Jared.
Y vivió Henoch sesenta y cinco años, y engendró á Mathusalam.
Y vivió Mathusalam ciento ochenta y siete años, y engendró á Lamech.
Empero Noé halló gracia en los ojos de Jehová.
Y engendró Noé tres hijos: á Sem, á Châm, y á Japhet.
E hizo Noé conforme á todo lo que le mandó Jehová.
Y hubo lluvia sobre la tierra cuarenta días y cuarenta noches.
Quince codos en alto prevalecieron las aguas; y fueron cubiertos los montes.
Y prevalecieron las aguas sobre la tierra ciento y cincuenta días.
Y habló Dios á Noé diciendo:
Y habló Dios á Noé y á sus hijos con él, diciendo:
Y comenzó Noé á labrar la tierra, y plantó una viña:
Y vivió Noé después del diluvio trescientos y cincuenta años.
Y los hijos de Gomer: Ashkenaz, y Riphat, y Togorma.
Y los hijos de Javán: Elisa, y Tarsis, Kittim, y Dodanim.
Los hijos de Châm: Cush, y Mizraim, y Phut, y Canaán.
Y á Ressen entre Nínive y Calah; la cual es ciudad grande.
Y Canaán engendró á Sidón, su primogénito, y á Heth,
Y al Jebuseo, y al Amorrheo, y al Gergeseo,
Y al Heveo, y al Araceo, y al Sineo,
Y los hijos de Aram: Uz, y Hul, y Gether, y Mas.
Y Arphaxad engendró á Sala, y Sala engendró á Heber.
Y á Hadoram, y á Uzal, y á Dicla,
Y á Obal, y á Abimael, y á Seba,
Era entonces toda la tierra de una lengua y unas mismas palabras.
Y Arphaxad vivió treinta y cinco años, y engendró á Sala.
Y vivió Sala treinta años, y engendró á Heber.
Y vivió Heber treinta y cuatro años, y engendró á Peleg.
Y vivió Peleg treinta años, y engendró á Reu.
Y Reu vivió treinta y dos años, y engendró á Serug.
Y vivió Serug treinta años, y engendró á Nachôr.
Y vivió Nachôr veintinueve años, y engendró á Thare.
Mas Sarai fué estéril, y no tenía hijo.
Y movió Abramde allí, caminando y yendo hacia el Mediodía.
Y Abram era riquísimo en ganado, en plata y oro.
Doce años habían servido á Chêdorlaomer, y al décimotercio año se rebelaron.
Los Cineos, y los Ceneceos, y los Cedmoneos,
Y los Hetheos, y los Pherezeos, y los Raphaitas,
Y los Amorrheos, y los Cananeos, y los Gergeseos, y los Jebuseos.
Entonces Abram cayó sobre su rostro, y Dios habló con él diciendo:
Y dijo Abraham á Dios: Ojalá Ismael viva delante de ti.
En el mismo día fué circuncidado Abraham é Ismael su hijo.
Y dijo: Os ruego, hermanos míos, que no hagáis tal maldad.
Y Lot les dijo: No, yo os ruego, señores míos;
El sol salía sobre la tierra, cuando Lot llegó á Zoar.
Y concibieron las dos hijas de Lot, de su padre.
Y respondió Abraham: Yo juraré.
Y puso Abraham siete corderas del rebaño aparte.
Y moró Abraham en tierra de los Filisteos muchos días.
Y respondieron los hijos de Heth á Abraham, y dijéronle:
Y Abraham se inclinó delante del pueblo de la tierra.
Y respondió Ephrón á Abraham, diciéndole:
El hombre entonces se inclinó, y adoró á Jehová.
Entonces dijo: Yo soy criado de Abraham;
Entonces el criado contó á Isaac todo lo que había hecho.
Y Abraham tomó otra mujer, cuyo nombre fué Cetura;
Y Abraham dió todo cuanto tenía á Isaac.
Y Misma, y Duma, y Massa,
Hadad, y Tema, y Jetur, y Naphis, y Cedema.
Y Jacob respondió: Véndeme en este día tu primogenitura.
Habitó, pues, Isaac en Gerar.
Y de allí subió á Beer-seba.
Entonces él les hizo banquete, y comieron y bebieron.
Y fueron amargura de espíritu á Isaac y á Rebeca.
Y salió Jacob de Beer-seba, y fué á Harán;
Y Jacob besó á Rachêl, y alzó su voz, y lloró.
Y concibió Bilha, y parió á Jacob un hijo.
Y Zilpa, sierva de Lea, parió á Jacob un hijo.
Y dijo Lea: Vino la ventura. Y llamó su nombre Gad.
Y Zilpa, la sierva de Lea, parió otro hijo á Jacob.
Y concibió Lea otra vez, y parió el sexto hijo á Jacob.
Y después parió una hija, y llamó su nombre Dina.
Y dijo: Señálame tu salario, que yo lo daré.
Entonces Jacob tomó una piedra, y levantóla por título.
Y llamólo Labán Jegar Sahadutha: y lo llamó Jacob Galaad.
Así se volvió Esaú aquel día por su camino á Seir.
Y erigió allí un altar, y llamóle: El Dios de Israel.
Los hijos de Rachêl: José, y Benjamín.
Y los hijos de Bilha, sierva de Rachêl: Dan, y Nephtalí.
Y fueron los días de Isaac ciento ochenta años.
Y Estas son las generaciones de Esaú, el cual es Edom.
Y á Basemath, hija de Ismael, hermana de Navaioth.
Y Ada parió á Esaú á Eliphaz; y Basemath parió á Reuel.
Y Esaú habitó en el monte de Seir: Esaú es Edom.
Y estos fueron los hijos de Ezer: Bilhán, Zaaván, y Acán.
Estos fueron los hijos de Disán: Huz, y Arán.
Y murió Adad, y en su lugar reinó Samla, de Masreca.
El duque Aholibama, el duque Ela, el duque Pinón,
El duque Cenaz, el duque Temán, el duque Mibzar,
Y dijeron el uno al otro: He aquí viene el soñador;
E hizo la tierra en aquellos siete años de hartura á montones.
Y descendieron los diez hermanos de José á comprar trigo á Egipto.
José, pues, conoció á sus hermanos; pero ellos no le conocieron.
Y juntólos en la cárcel por tres días.
Y ellos pusieron su trigo sobre sus asnos, y fuéronse de allí.
Y El hambre era grande en la tierra.
Tomad también á vuestro hermano, y levantaos, y volved á aquel varón.
Y como él los alcanzó, díjoles estas palabras.
Y dijo nuestro padre: Volved á comprarnos un poco de alimento.
Y los hijos de Rubén: Hanoch, y Phallu, y Hezrón, y Carmi.
Y los hijos de Leví: Gersón, y Coath, y Merari.
Y los hijos de Issachâr: Thola, y Phua, y Job, y Simrón.
Y los hijos de Zabulón: Sered, y Elón, y Jahleel.
Y los hijos de Rachêl, mujer de Jacob: José y Benjamín.
Y los hijos de Dan: Husim.
Y los hijos de Nephtalí: Jahzeel, y Guni, y Jezer, y Shillem.
Y Jacob bendijo á Faraón, y salióse de delante de Faraón.
Y vió Israel los hijos de José, y dijo: ¿Quiénes son éstos?
Simeón y Leví, hermanos: armas de iniquidad sus armas.
Issachâr, asno huesudo echado entre dos tercios:
Dan juzgará á su pueblo, como una de las tribus de Israel.
Tu salud esperé, oh Jehová.
Nephtalí, sierva dejada, que dará dichos hermosos.
Hicieron, pues, sus hijos con él, según les había mandado:
Rubén, Simeón, Leví y Judá;
Issachâr, Zabulón y Benjamín;
Dan y Nephtalí, Gad y Aser.
Y murió José, y todos sus hermanos, y toda aquella generación.
Y los Egipcios hicieron servir á los hijos de Israel con dureza:
Y habló Jehová á Moisés, diciendo:
Y los hijos de Gersón: Libni, y Shimi, por sus familias.
Y los hijos de Izhar: Cora, y Nepheg y Zithri.
Y los hijos de Uzziel: Misael, y Elzaphán y Zithri.
Y habló Jehová á Moisés y á Aarón, diciendo:
Y las juntaron en montones, y apestaban la tierra.
Entonces Moisés salió de con Faraón, y oró á Jehová.
Y salió de con Faraón, y oró á Jehová.
El extranjero y el asalariado no comerán de ella.
Toda la congregación de Israel le sacrificará.
Y Jehová habló á Moisés, diciendo:
Vosotros salís hoy en el mes de Abib.
Y Habló Jehová á Moisés, diciendo:
Y unció su carro, y tomó consigo su pueblo;
Jehová peleará por vosotros, y vosotros estaréis quedos.
Jehová, varón de guerra; Jehová es su nombre.
Extendiste tu diestra; la tierra los tragó.
Jehová reinará por los siglos de los siglos.
Entonces el pueblo murmuró contra Moisés, y dijo: ¿Qué hemos de beber?
Y Jehová habló á Moisés, diciendo:
Y díjoles Moisés: Ninguno deje nada de ello para mañana.
Así el pueblo reposó el séptimo día.
Y un gomer es la décima parte del epha.
Y vino Amalec, y peleó con Israel en Rephidim.
Y Moisés edificó un altar, y llamó su nombre Jehová-nissi;
Entonces Moisés descendió al pueblo, y habló con ellos.
Y Habló Dios todas estas palabras, diciendo:
No tendrás dioses ajenos delante de mí.
Acordarte has del día del reposo, para santificarlo:
Seis días trabajarás, y harás toda tu obra;
No matarás.
No cometerás adulterio.
No hurtarás.
No hablarás contra tu prójimo falso testimonio.
Y Estos son los derechos que les propondrás.
Mas si hubiere muerte, entonces pagarás vida por vida,
Ojo por ojo, diente por diente, mano por mano, pie por pie,
Quemadura por quemadura, herida por herida, golpe por golpe.
A la hechicera no dejarás que viva.
Cualquiera que tuviere ayuntamiento con bestia, morirá.
A ninguna viuda ni huérfano afligiréis.
Ni al pobre distinguirás en su causa.
No pervertirás el derecho de tu mendigo en su pleito.
Tres veces en el año me celebraréis fiesta.
No harás alianza con ellos, ni con sus dioses.
Y Jehová habló á Moisés, diciendo:
Harás pues, engastes de oro,
El tercer orden, un rubí, un ágata, y una amatista;
Harás el manto del ephod todo de jacinto:
Y harás llegar sus hijos, y les vestirás las túnicas.
Y habló Jehová á Moisés, diciendo:
Habló más Jehová á Moisés, diciendo:
Habló más Jehová á Moisés, diciendo:
Y Habló Jehová á Moisés, diciendo:
Habló además Jehová á Moisés, diciendo:
El entonces dijo: Ruégote que me muestres tu gloria.
No harás dioses de fundición para ti.
No encenderéis fuego en todas vuestras moradas en el día del sábado.
Y para el lado occidental del tabernáculo hizo seis tablas.
Hizo también las varas de madera de Sittim, y cubriólas de oro.
Y á la parte oriental, al levante, cortinas de cincuenta codos:
El segundo orden, una esmeralda, un zafiro, y un diamante.
El tercer orden, un ligurio, un ágata, y un amatista.
La mesa, todos sus vasos, y el pan de la proposición;
Y Jehová habló á Moisés, diciendo:
Asimismo ungirás la fuente y su basa, y la santificarás.
Después harás llegar sus hijos, y les vestirás las túnicas:
Puso asimismo la cortina de la puerta del tabernáculo.
Y Habló Jehová á Moisés, diciendo:
Habló más Jehová á Moisés, diciendo:
Es infracción, y ciertamente delinquió contra Jehová.
Y Habló Jehová á Moisés, diciendo:
Habló aún Jehová á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Habló aún Jehová á Moisés, diciendo:
Habló más Jehová á Moisés, diciendo:
Y Habló Jehová á Moisés, diciendo:
Y Jehová habló á Aarón, diciendo:
Y cuando Moisés oyó esto, dióse por satisfecho.
Y Habló Jehová á Moisés y á Aarón, diciéndoles:
El milano, y el buitre según su especie;
Todo cuervo según su especie;
Y el buho, y el somormujo, y el ibis,
Y el calamón, y el cisne, y el onocrótalo,
Y Habló Jehová á Moisés, diciendo:
Y Habló Jehová á Moisés y á Aarón, diciendo:
Mas el día que apareciere en él la carne viva, será inmundo.
Y Habló Jehová á Moisés, diciendo:
Y habló Jehová á Moisés y á Aarón, diciendo:
Y de la lepra del vestido, y de la casa;
Y Habló Jehová á Moisés y á Aarón, diciendo:
Y Habló Jehová á Moisés, diciendo:
Y Habló Jehová á Moisés, diciendo:
No te echarás con varón como con mujer: es abominación.
Y Habló Jehová á Moisés, diciendo:
No hurtaréis, y no engañaréis, ni mentiréis ninguno á su prójimo.
Y Habló Jehová á Moisés diciendo:
Y tomará él mujer con su virginidad.
Y Jehová habló á Moisés, diciendo:
Y Habló Jehová á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y Habló Jehová á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y Habló Jehová á Moisés, diciendo:
Y Jehová habló á Moisés, diciendo:
Y Jehová habló á Moisés en el monte de Sinaí, diciendo:
Y Habló Jehová á Moisés, diciendo:
De Simeón, Selumiel hijo de Zurisaddai.
De Judá, Naasón hijo de Aminadab.
De Issachâr, Nathanael hijo de Suar.
De Zabulón, Eliab hijo de Helón.
De Benjamín, Abidán hijo de Gedeón.
De Dan, Ahiezer hijo de Ammisaddai.
De Aser, Phegiel hijo de Ocrán.
De Gad, Eliasaph hijo de Dehuel.
De Nephtalí, Ahira hijo de Enán.
Porque habló Jehová á Moisés, diciendo:
Y Habló Jehová á Moisés y á Aarón, diciendo:
Y Jehová habló á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y Jehová habló á Moisés en el desierto de Sinaí, diciendo:
Y habló Jehová á Moisés, diciendo:
Y Habló Jehová á Moisés y á Aarón, diciendo:
Y habló Jehová á Moisés y á Aarón, diciendo:
Y habló Jehová á Moisés diciendo:
Y Jehová habló á Moisés, diciendo:
Además habló Jehová á Moisés, diciendo:
Y Jehová habló á Moisés, diciendo:
Y Habló Jehová á Moisés, diciendo:
Todo el tiempo de su nazareato, será santo á Jehová.
Y Jehová habló á Moisés, diciendo:
Jehová te bendiga, y te guarde:
Jehová alce á ti su rostro, y ponga en ti paz.
Y Jehová habló á Moisés, diciendo:
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Una cuchara de oro de diez siclos, llena de perfume;
Un macho cabrío para expiación;
Y Habló Jehová á Moisés, diciendo:
Y Jehová habló á Moisés, diciendo:
Toma á los Levitas de entre los hijos de Israel, y expíalos.
Y habló Jehová á Moisés, diciendo:
Y Jehová habló á Moisés, diciendo:
Y Jehová habló á Moisés, diciendo:
De Kibroth-hattaavah movió el pueblo á Haseroth, y pararon en Haseroth.
De la tribu de Simeón, Saphat hijo de Hurí.
De la tribu de Judá, Caleb hijo de Jephone.
De la tribu de Issachâr, Igal hijo de Joseph.
De la tribu de Ephraim, Oseas hijo de Nun.
De la tribu de Benjamín, Palti hijo de Raphu.
De la tribu de Dan, Ammiel hijo de Gemalli.
De la tribu de Aser, Sethur hijo de Michâel.
De la tribu de Nephtalí, Nahabí hijo de Vapsi.
Entonces Jehová dijo: yo lo he perdonado conforme á tu dicho:
Y Jehová habló á Moisés y á Aarón, diciendo:
Y en cuanto á vosotros, vuestros cuerpos caerán en este desierto.
Y Jehová habló á Moisés, diciendo:
Y habló Jehová á Moisés, diciendo:
Y Jehová habló á Moisés, diciendo:
Y como lo oyó Moisés, echóse sobre su rostro;
Haced esto: tomaos incensarios, Coré y todo su séquito:
Y Jehová habló á Moisés y á Aarón, diciendo:
Entonces Jehová habló á Moisés, diciendo:
Entonces Jehová habló á Moisés, diciendo:
Y vinieron Moisés y Aarón delante del tabernáculo del testimonio.
Y Jehová habló á Moisés, diciendo:
Y Habló Jehová á Moisés, diciendo:
E hízolo Moisés: como le mandó Jehová, así hizo.
Todo lo consagrado por voto en Israel será tuyo.
Y habló Jehová á Moisés, diciendo:
Y Jehová habló á Moisés y á Aarón, diciendo:
Y habló Jehová á Moisés, diciendo:
Y partieron los hijos de Israel, y asentaron campo en Oboth.
Partidos de allí, asentaron en la arroyada de Zared.
Y de Mathana á Nahaliel: y de Nahaliel á Bamoth:
Y envió Israel embajadores á Sehón, rey de los Amorrheos, diciendo:
Así habitó Israel en la tierra del Amorrheo.
Y fué Balaam con Balac, y vinieron á la ciudad de Husoth.
¡Cuán hermosas son tus tiendas, oh Jacob, tus habitaciones, oh Israel!
Y murieron de aquella mortandad veinte y cuatro mil.
Entonces Jehová habló á Moisés, diciendo:
Y Jehová habló á Moisés, diciendo:
Hostilizaréis á los Madianitas, y los heriréis:
Y los hijos de Phallú: Eliab.
Mas los hijos de Coré no murieron.
Los hijos de José por sus familias: Manasés y Ephraim.
Y el nombre de la hija de Aser fué Sera.
Y habló Jehová á Moisés, diciendo:
Y á Aarón nacieron Nadab y Abiú, Eleazar é Ithamar.
Y Moisés llevó su causa delante de Jehová.
Y Jehová respondió á Moisés, diciendo:
Entonces respondió Moisés á Jehová, diciendo:
Y Habló Jehová á Moisés, diciendo:
Con cada uno de los siete corderos una décima;
Un macho cabrío, para hacer expiación por vosotros.
Y con cada uno de los siete corderos, una décima;
Y con cada uno de los siete corderos, una décima;
Y con cada uno de los catorce corderos, una décima;
Y Jehová habló á Moisés, diciendo:
Y díjoles Moisés: ¿Todas las mujeres habéis reservado?
Y Jehová habló á Moisés, diciendo:
E hicieron Moisés y Eleazar el sacerdote como Jehová mandó á Moisés.
Y setenta y dos mil bueyes,
Y setenta y un mil asnos;
Y de los bueyes, treinta y seis mil;
Y de los asnos, treinta mil y quinientos;
Y de las personas, diez y seis mil:)
Los hombres del ejército habían pillado cada uno para sí.
Y á Atroth-sophan, y á Jazer, y á Jogbaa,
Y partidos de Elim, asentaron junto al mar Bermejo.
Y partidos de Dophca, asentaron en Alús.
Y partidos de Rephidim, asentaron en el desierto de Sinaí.
Y partidos del desierto de Sinaí, asentaron en Kibroth-hataava.
Y partidos de Kibroth-hataava, asentaron en Haseroth.
Y partidos de Haseroth, asentaron en Ritma.
Y partidos de Ritma, asentaron en Rimmón-peres.
Y partidos de Rimmón-peres, asentaron en Libna.
Y partidos de Libna, asentaron en Rissa.
Y partidos de Rissa, asentaron en Ceelatha.
Y partidos de Ceelatha, asentaron en el monte de Sepher.
Y partidos del monte de Sepher, asentaron en Harada.
Y partidos de Harada, asentaron en Maceloth.
Y partidos de Maceloth, asentaron en Tahath.
Y partidos de Tahath, asentaron en Tara.
Y partidos de Tara, asentaron en Mithca.
Y partidos de Mithca, asentaron en Hasmona.
Y partidos de Hasmona, asentaron en Moseroth.
Y partidos de Moseroth, asentaron en Bene-jaacán.
Y partidos de Bene-jaacán, asentaron en el monte de Gidgad.
Y partidos del monte de Gidgad, asentaron en Jotbatha.
Y partidos de Jotbatha, asentaron en Abrona.
Y partidos de Abrona, asentaron en Esion-geber.
Y partidos del monte de Hor, asentaron en Salmona.
Y partidos de Salmona, asentaron en Phunón.
Y partidos de Phunón, asentaron en Oboth.
Y partidos de Ije-abarim, asentaron en Dibon-gad.
Y partidos de Dibon-gad, asentaron en Almon-diblathaim.
Y Jehová habló á Moisés, diciendo:
Y por término al oriente os señalaréis desde Hasar-enán hasta Sepham;
Y habló Jehová á Moisés, diciendo:
De la tribu de Benjamín, Elidad hijo de Chislón.
Y habló Jehová á Moisés, diciendo:
Como Jehová mandó á Moisés, así hicieron las hijas de Salphaad.
Entonces os dije: No temáis, ni tengáis miedo de ellos.
Y aun con esto no creisteis en Jehová vuestro Dios,
Y Jehová me habló, diciendo:
Harto habéis rodeado este monte; volveos al aquilón.
